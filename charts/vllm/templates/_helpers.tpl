{{- define "vllm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Always <release>-<chart> (or fullnameOverride), so the gateway's backend URLs can say
"http://{{ .Release.Name }}-vllm:8000". Kept under 52 characters: a StatefulSet's pods carry a
controller-revision-hash label built from the name.
*/}}
{{- define "vllm.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "vllm.name" .) | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "vllm.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vllm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vllm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vllm.labels" -}}
helm.sh/chart: {{ include "vllm.chart" . }}
{{ include "vllm.selectorLabels" . }}
app.kubernetes.io/version: {{ include "vllm.imageTag" . | quote }}
app.kubernetes.io/component: {{ ternary "llm-server" "llm-simulator" (eq .Values.mode "vllm") }}
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "vllm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vllm.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "vllm.imageTag" -}}
{{- if eq .Values.mode "vllm" }}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- else }}
{{- .Values.simulator.image.tag }}
{{- end }}
{{- end }}

{{- define "vllm.hfSecretName" -}}
{{- default (printf "%s-hf" (include "vllm.fullname" .)) .Values.huggingface.existingSecret }}
{{- end }}

{{/* Container resources: the values' requests and limits plus the GPUs (vllm mode). */}}
{{- define "vllm.resources" -}}
{{- if eq .Values.mode "vllm" }}
{{- $gpu := dict .Values.gpu.resourceName (int .Values.gpu.count) }}
{{- $requests := merge (deepCopy (default dict .Values.resources.requests)) $gpu }}
{{- $limits := merge (deepCopy (default dict .Values.resources.limits)) $gpu }}
{{- toYaml (dict "requests" $requests "limits" $limits) }}
{{- else }}
{{- toYaml .Values.simulator.resources }}
{{- end }}
{{- end }}
