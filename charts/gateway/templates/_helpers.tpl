{{/* Chart name, possibly overridden. */}}
{{- define "gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name: always <release>-<chart> (or fullnameOverride), never shortened when the
release name contains the chart name, so other charts of the release can name this one's Service
as "{{ .Release.Name }}-gateway".
*/}}
{{- define "gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "gateway.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gateway.labels" -}}
helm.sh/chart: {{ include "gateway.chart" . }}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: gateway
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the pepper, the admin token and the platform URLs. */}}
{{- define "gateway.secretName" -}}
{{- default (include "gateway.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "gateway.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Seconds, rounded up, that the gateway may spend finishing streams after SIGTERM. */}}
{{- define "gateway.shutdownGraceSeconds" -}}
{{- $ms := int64 .Values.server.shutdownGraceMs }}
{{- div (add $ms 999) 1000 }}
{{- end }}

{{/* Seconds, rounded up, that the gateway keeps serving after SIGTERM before its listener closes. */}}
{{- define "gateway.drainDelaySeconds" -}}
{{- $ms := int64 .Values.server.drainDelayMs }}
{{- div (add $ms 999) 1000 }}
{{- end }}

{{/*
terminationGracePeriodSeconds: the preStop sleep, then the gateway's drain delay (not ready, still
serving), then its shutdown grace (streams in flight finish), then a margin for the JVM to exit;
an explicit value must leave at least that much.
*/}}
{{- define "gateway.terminationGracePeriodSeconds" -}}
{{- $needed := add (include "gateway.shutdownGraceSeconds" . | int64) (int64 .Values.lifecycle.preStopSleepSeconds) (include "gateway.drainDelaySeconds" . | int64) }}
{{- if .Values.terminationGracePeriodSeconds }}
{{- $set := int64 .Values.terminationGracePeriodSeconds }}
{{- if le $set $needed }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be above lifecycle.preStopSleepSeconds + server.drainDelayMs/1000 + server.shutdownGraceMs/1000 (%d), or pods are killed while streams still finish" $set $needed) }}
{{- end }}
{{- $set }}
{{- else }}
{{- add $needed (int64 .Values.terminationGraceMarginSeconds) }}
{{- end }}
{{- end }}

{{/*
Gateway replicas that share the limits in Redis (fail-open gives each 1/replicas of a limit):
the explicit value, else the HPA's minimum, else replicaCount.
*/}}
{{- define "gateway.limitReplicas" -}}
{{- if .Values.config.redis.replicas }}
{{- .Values.config.redis.replicas }}
{{- else if .Values.autoscaling.enabled }}
{{- .Values.autoscaling.minReplicas }}
{{- else }}
{{- .Values.replicaCount }}
{{- end }}
{{- end }}

{{/*
A secret value that stays the same across upgrades: the value from values.yaml, else the one
already in the cluster's Secret, else a new random one.
*/}}
{{- define "gateway.stableSecret" -}}
{{- $ctx := index . 0 }}{{- $key := index . 1 }}{{- $given := index . 2 }}
{{- if $given }}
{{- $given | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" $ctx.Release.Namespace (include "gateway.fullname" $ctx) }}
{{- if and $existing (hasKey $existing.data $key) }}
{{- index $existing.data $key }}
{{- else }}
{{- randAlphaNum 48 | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/* The gateway's config file (config/gateway.yaml format; docs/configuration.md). */}}
{{- define "gateway.configFile" -}}
# Rendered by the Tollgate gateway chart. Secrets are not here: they come from the environment
# (Secret {{ include "gateway.secretName" . }}) through the ${...} references below.
server:
  host: 0.0.0.0
  port: {{ .Values.server.port }}
  adminHost: {{ .Values.server.adminHost | quote }}
  adminPort: {{ .Values.server.adminPort }}
  maxBodyBytes: {{ int64 .Values.server.maxBodyBytes }}
  keepAliveIntervalMs: {{ int64 .Values.server.keepAliveIntervalMs }}
  shutdownGraceMs: {{ int64 .Values.server.shutdownGraceMs }}
  drainDelayMs: {{ int64 .Values.server.drainDelayMs }}
  eventLoops: {{ .Values.server.eventLoops }}
  headerTimeoutMs: {{ int64 .Values.server.headerTimeoutMs }}
  bodyTimeoutMs: {{ int64 .Values.server.bodyTimeoutMs }}
  idleTimeoutMs: {{ int64 .Values.server.idleTimeoutMs }}
  maxConnections: {{ int64 .Values.server.maxConnections }}
  maxRequestLineBytes: {{ int64 .Values.server.maxRequestLineBytes }}
  maxHeaderBytes: {{ int64 .Values.server.maxHeaderBytes }}
  http2: {{ .Values.server.http2 }}
  http2ClearText: {{ .Values.server.http2ClearText }}
  http2MaxConcurrentStreams: {{ int64 .Values.server.http2MaxConcurrentStreams }}
  http2MaxResetsPerWindow: {{ int64 .Values.server.http2MaxResetsPerWindow }}
  http2ResetWindowSeconds: {{ int64 .Values.server.http2ResetWindowSeconds }}
security:
  adminToken: ${TOLLGATE_ADMIN_TOKEN}
  keyPepper: ${TOLLGATE_KEY_PEPPER}
usage:
  spoolPath: {{ printf "%s/usage.jsonl" .Values.usageSpool.mountPath }}
redis:
  url: ${TOLLGATE_REDIS_URL:-}
  timeoutMs: {{ .Values.config.redis.timeoutMs }}
  failPolicy: {{ .Values.config.redis.failPolicy }}
  replicas: {{ include "gateway.limitReplicas" . }}
  keyPrefix: {{ .Values.config.redis.keyPrefix | quote }}
rabbitmq:
  url: ${TOLLGATE_RABBITMQ_URL:-}
  exchange: {{ .Values.config.rabbitmq.exchange | quote }}
  queue: {{ .Values.config.rabbitmq.queue | quote }}
  batchSize: {{ .Values.config.rabbitmq.batchSize }}
  batchMaxBytes: {{ .Values.config.rabbitmq.batchMaxBytes }}
  batchMaxDelayMs: {{ .Values.config.rabbitmq.batchMaxDelayMs }}
  queueCapacity: {{ .Values.config.rabbitmq.queueCapacity }}
  spoolDir: {{ printf "%s/spool" .Values.usageSpool.mountPath }}
  confirmTimeoutMs: {{ .Values.config.rabbitmq.confirmTimeoutMs }}
  reconnectMaxDelayMs: {{ .Values.config.rabbitmq.reconnectMaxDelayMs }}
{{- if or .Values.tls.enabled .Values.tls.backendCaSecret }}
tls:
  {{- if .Values.tls.enabled }}
  certFile: /etc/tollgate-tls/tls.crt
  keyFile: /etc/tollgate-tls/tls.key
  required: true
  reloadIntervalMs: {{ int64 .Values.tls.reloadIntervalMs }}
  {{- if .Values.tls.adminClientCa }}
  adminClientCaFile: /etc/tollgate-tls/ca.crt
  {{- end }}
  {{- end }}
  {{- if .Values.tls.backendCaSecret }}
  backendCaFile: /etc/tollgate-backend-ca/ca.crt
  {{- end }}
{{- end }}
tracing:
  enabled: {{ .Values.config.tracing.enabled | toString | quote }}
  otlpEndpoint: {{ .Values.config.tracing.otlpEndpoint | quote }}
  serviceName: {{ .Values.config.tracing.serviceName | quote }}
  sampleRatio: {{ .Values.config.tracing.sampleRatio | toString | quote }}
{{- with .Values.config.extraSections }}
{{ tpl (toYaml .) $ }}
{{- end }}
snapshot:
{{ tpl (toYaml .Values.config.snapshot) . | indent 2 }}
{{- end }}

{{/*
The control-plane token for this chart's Secret (base64), or nothing: the value from values.yaml,
else the one already in the cluster's Secret. Never generated: only the control plane issues it.
*/}}
{{- define "gateway.controlPlaneToken" -}}
{{- if .Values.controlPlane.token }}
{{- .Values.controlPlane.token | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "gateway.fullname" .) }}
{{- if and $existing (hasKey $existing.data .Values.controlPlane.tokenKey) }}
{{- index $existing.data .Values.controlPlane.tokenKey }}
{{- end }}
{{- end }}
{{- end }}

{{/* The Secret the gateways read their control-plane token from. */}}
{{- define "gateway.controlPlaneTokenSecret" -}}
{{- default (include "gateway.secretName" .) .Values.controlPlane.existingSecret }}
{{- end }}

{{/* Following the control plane: what the schema cannot check. */}}
{{- define "gateway.validateControlPlane" -}}
{{- $cp := .Values.controlPlane }}
{{- if $cp.enabled }}
{{- if not (or .Values.secrets.redisUrl .Values.secrets.existingSecret) }}
{{- fail "controlPlane.enabled needs platform mode: set secrets.redisUrl (or secrets.existingSecret with a redis-url key); API keys then come from the Redis records the control plane writes" }}
{{- end }}
{{- if and $cp.token $cp.existingSecret }}
{{- fail "set controlPlane.token or controlPlane.existingSecret, not both" }}
{{- end }}
{{- if and $cp.token .Values.secrets.existingSecret }}
{{- fail (printf "controlPlane.token cannot be stored: secrets.existingSecret (%s) replaces this chart's Secret; put the token in it under key %s, or name a Secret holding it in controlPlane.existingSecret" .Values.secrets.existingSecret $cp.tokenKey) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Secret (kubernetes.io/tls: tls.crt, tls.key, ca.crt) the pod's TLS files come from.
*/}}
{{- define "gateway.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "gateway.fullname" .)) .Values.tls.secretName }}
{{- end }}
