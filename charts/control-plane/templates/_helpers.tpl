{{- define "controlPlane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Always <release>-<chart> (or fullnameOverride), so the gateways of the release can name this
Service as "{{ .Release.Name }}-control-plane".
*/}}
{{- define "controlPlane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "controlPlane.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "controlPlane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "controlPlane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "controlPlane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "controlPlane.labels" -}}
helm.sh/chart: {{ include "controlPlane.chart" . }}
{{ include "controlPlane.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: control-plane
app.kubernetes.io/part-of: tollgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "controlPlane.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "controlPlane.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the database URL and the bootstrap token (and, without gatewaySecret, the pepper and Redis URL). */}}
{{- define "controlPlane.secretName" -}}
{{- default (include "controlPlane.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The gateways' Secret the pepper and the Redis URL are read from; empty: this chart's own. */}}
{{- define "controlPlane.gatewaySecretName" -}}
{{- with .Values.gatewaySecret.name }}{{ tpl . $ }}{{ end }}
{{- end }}

{{/* "name key" of the Secret entry behind an env var that may live in the gateways' Secret. */}}
{{- define "controlPlane.sharedRef" -}}
{{- $ctx := index . 0 }}{{- $field := index . 1 }}
{{- $gateway := include "controlPlane.gatewaySecretName" $ctx }}
{{- if $gateway }}
{{- printf "%s %s" $gateway (index $ctx.Values.gatewaySecret.keys $field) }}
{{- else }}
{{- printf "%s %s" (include "controlPlane.secretName" $ctx) (index $ctx.Values.secrets.keys $field) }}
{{- end }}
{{- end }}

{{/* The bootstrap token: from values, else the one in the cluster's Secret, else a new random one. */}}
{{- define "controlPlane.bootstrapToken" -}}
{{- if .Values.secrets.bootstrapToken }}
{{- .Values.secrets.bootstrapToken | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "controlPlane.fullname" .) }}
{{- if and $existing (hasKey $existing.data .Values.secrets.keys.bootstrapToken) }}
{{- index $existing.data .Values.secrets.keys.bootstrapToken }}
{{- else }}
{{- randAlphaNum 48 | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The environment that is not secret, rendered into the ConfigMap; its hash (checksum/config on the
pod template) rolls the pods when it changes.
*/}}
{{- define "controlPlane.environment" -}}
TOLLGATE_CONTROL_PLANE_PORT: {{ .Values.port | quote }}
TOLLGATE_DATABASE_SCHEMA: {{ .Values.database.schema | quote }}
TOLLGATE_REDIS_PREFIX: {{ .Values.redis.prefix | quote }}
TOLLGATE_ADMIN_TOKEN_TTL: {{ .Values.adminTokenTtl | toString | quote }}
TOLLGATE_LOG_FORMAT: {{ .Values.logFormat | quote }}
TOLLGATE_HTTP_HEADER_TIMEOUT_MS: {{ int64 .Values.frontDoor.headerTimeoutMs | quote }}
TOLLGATE_HTTP_BODY_TIMEOUT_MS: {{ int64 .Values.frontDoor.bodyTimeoutMs | quote }}
TOLLGATE_HTTP_IDLE_TIMEOUT_MS: {{ int64 .Values.frontDoor.idleTimeoutMs | quote }}
TOLLGATE_HTTP_MAX_CONNECTIONS: {{ int64 .Values.frontDoor.maxConnections | quote }}
TOLLGATE_HTTP_MAX_REQUEST_LINE_BYTES: {{ int64 .Values.frontDoor.maxRequestLineBytes | quote }}
TOLLGATE_HTTP_MAX_HEADER_BYTES: {{ int64 .Values.frontDoor.maxHeaderBytes | quote }}
{{- with .Values.oidc }}
{{- if .issuer }}
TOLLGATE_OIDC_ISSUER: {{ .issuer | quote }}
TOLLGATE_OIDC_AUDIENCE: {{ required "oidc.audience is required with oidc.issuer (the client id the provider issues tokens for)" .audience | quote }}
TOLLGATE_OIDC_EMAIL_CLAIM: {{ .emailClaim | quote }}
TOLLGATE_OIDC_GROUPS_CLAIM: {{ .groupsClaim | quote }}
TOLLGATE_OIDC_ROLE_MAPPINGS: {{ join ";" .roleMappings | quote }}
TOLLGATE_OIDC_JWKS_MIN_REFRESH_MS: {{ int64 .jwksMinRefreshMs | quote }}
{{- end }}
{{- end }}
{{- with .Values.alerts }}
TOLLGATE_ALERTS_POLL_MS: {{ int64 .pollMs | quote }}
TOLLGATE_ALERTS_DELIVERY_POLL_MS: {{ int64 .deliveryPollMs | quote }}
TOLLGATE_ALERTS_RETRY_BASE_MS: {{ int64 .retryBaseMs | quote }}
TOLLGATE_ALERTS_MAX_ATTEMPTS: {{ int64 .maxAttempts | quote }}
TOLLGATE_ALERTS_SAMPLE_MINUTES: {{ int64 .sampleMinutes | quote }}
TOLLGATE_ALERTS_FORECAST_MIN_WINDOW_MINUTES: {{ int64 .forecastMinWindowMinutes | quote }}
TOLLGATE_SPEND_METRICS_TOP_ORGS: {{ int64 .spendMetricsTopOrgs | quote }}
TOLLGATE_ALERTS_WEBHOOK_HOSTS: {{ join "," .webhooks.allowedHosts | quote }}
TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS: {{ join "," .webhooks.privateNetworks | quote }}
{{- end }}
{{- with .Values.smtp }}
{{- if .host }}
TOLLGATE_SMTP_HOST: {{ .host | quote }}
TOLLGATE_SMTP_PORT: {{ int64 .port | quote }}
TOLLGATE_SMTP_FROM: {{ .from | quote }}
TOLLGATE_SMTP_STARTTLS: {{ .startTls | quote }}
TOLLGATE_SMTP_IMPLICIT_TLS: {{ .implicitTls | toString | quote }}
{{- if .username }}
TOLLGATE_SMTP_USERNAME: {{ .username | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* terminationGracePeriodSeconds must cover the preStop sleep and the control plane's own stop. */}}
{{- define "controlPlane.terminationGracePeriodSeconds" -}}
{{- $needed := add (int64 .Values.lifecycle.preStopSleepSeconds) 20 }}
{{- $set := int64 .Values.terminationGracePeriodSeconds }}
{{- if lt $set $needed }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least lifecycle.preStopSleepSeconds + 20 (%d): the control plane takes up to 20 s to close its server, pool and Vert.x" $set $needed) }}
{{- end }}
{{- $set }}
{{- end }}

{{/* Combinations the schema cannot express. */}}
{{- define "controlPlane.validate" -}}
{{- if and .Values.smtp.passwordSecret.name (not .Values.smtp.host) }}
{{- fail "smtp.passwordSecret is set but smtp.host is empty: without a host there is no SMTP server to log in to" }}
{{- end }}
{{- if and .Values.smtp.passwordSecret.name (not .Values.smtp.username) }}
{{- fail "smtp.passwordSecret needs smtp.username: the control plane logs in only with a user name" }}
{{- end }}
{{- if and .Values.gatewaySecret.name (or .Values.secrets.keyPepper .Values.secrets.redisUrl) }}
{{- fail (printf "secrets.keyPepper and secrets.redisUrl are read from the gateways' Secret %s (gatewaySecret.name); set gatewaySecret.name to \"\" to give them here instead" (include "controlPlane.gatewaySecretName" .)) }}
{{- end }}
{{- $min := .Values.podDisruptionBudget.minAvailable }}
{{- if and .Values.podDisruptionBudget.enabled (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable) (not (kindIs "string" $min)) (not (kindIs "invalid" $min)) }}
{{- if ge (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount) }}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below replicaCount (%d), or no node holding a control plane can be drained; with one replica, set podDisruptionBudget.enabled: false" (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Secret (kubernetes.io/tls: tls.crt, tls.key, ca.crt) the pod's TLS files come from.
*/}}
{{- define "controlPlane.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "controlPlane.fullname" .)) .Values.tls.secretName }}
{{- end }}
