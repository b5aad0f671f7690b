{{- define "analytics.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Always <release>-<chart> (or fullnameOverride). */}}
{{- define "analytics.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "analytics.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "analytics.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "analytics.selectorLabels" -}}
app.kubernetes.io/name: {{ include "analytics.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "analytics.labels" -}}
helm.sh/chart: {{ include "analytics.chart" . }}
{{ include "analytics.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: analytics
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "analytics.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "analytics.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "analytics.secretName" -}}
{{- default (include "analytics.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The API token: from values, else the one in the cluster's Secret, else a new random one. */}}
{{- define "analytics.apiToken" -}}
{{- if .Values.secrets.apiToken }}
{{- .Values.secrets.apiToken | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "analytics.fullname" .) }}
{{- if and $existing (hasKey $existing.data .Values.secrets.keys.apiToken) }}
{{- index $existing.data .Values.secrets.keys.apiToken }}
{{- else }}
{{- printf "tga-%s" (randAlphaNum 48) | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/* Combinations the schema cannot express. */}}
{{- define "analytics.validate" -}}
{{- if lt (int .Values.rabbitmq.prefetch) (int .Values.rabbitmq.batchSize) }}
{{- fail (printf "rabbitmq.prefetch (%d) must be at least rabbitmq.batchSize (%d): the consumer acknowledges whole batches" (int .Values.rabbitmq.prefetch) (int .Values.rabbitmq.batchSize)) }}
{{- end }}
{{- end }}

{{/*
The Secret (kubernetes.io/tls: tls.crt, tls.key, ca.crt) the pod's TLS files come from.
*/}}
{{- define "analytics.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "analytics.fullname" .)) .Values.tls.secretName }}
{{- end }}
