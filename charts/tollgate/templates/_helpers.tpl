{{/* Names of the subcharts' objects: always <release>-<chart or alias>. */}}
{{- define "tollgate.component" -}}
{{- printf "%s-%s" (index . 0).Release.Name (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Checks across subcharts, which their own schemas cannot see. */}}
{{- define "tollgate.validate" -}}
{{- $gateway := .Values.gateway }}
{{- $analytics := index .Values "analytics-consumer" }}
{{- if and $gateway.enabled $analytics.enabled }}
{{- if ne $gateway.config.rabbitmq.exchange $analytics.rabbitmq.exchange }}
{{- fail (printf "gateway.config.rabbitmq.exchange (%s) and analytics-consumer.rabbitmq.exchange (%s) must be the same" $gateway.config.rabbitmq.exchange $analytics.rabbitmq.exchange) }}
{{- end }}
{{- if ne $gateway.config.rabbitmq.queue $analytics.rabbitmq.queue }}
{{- fail (printf "gateway.config.rabbitmq.queue (%s) and analytics-consumer.rabbitmq.queue (%s) must be the same" $gateway.config.rabbitmq.queue $analytics.rabbitmq.queue) }}
{{- end }}
{{- if and (not $gateway.secrets.rabbitmqUrl) (not $gateway.secrets.existingSecret) }}
{{- fail "analytics-consumer is enabled but the gateways send no usage events to RabbitMQ: set gateway.secrets.rabbitmqUrl (or gateway.secrets.existingSecret with a rabbitmq-url key)" }}
{{- end }}
{{- end }}
{{- include "tollgate.validateControlPlane" . }}
{{- end }}

{{/*
The control plane and the gateways of the release must share the key pepper (key hashes), the
Redis (key records, config announcements) and its key prefix.
*/}}
{{- define "tollgate.validateControlPlane" -}}
{{- $gateway := .Values.gateway }}
{{- $cp := index .Values "control-plane" }}
{{- if and $gateway.enabled $cp.enabled }}
{{- if ne $gateway.config.redis.keyPrefix $cp.redis.prefix }}
{{- fail (printf "gateway.config.redis.keyPrefix (%s) and control-plane.redis.prefix (%s) must be the same: the gateways read the key records and config announcements the control plane writes there" $gateway.config.redis.keyPrefix $cp.redis.prefix) }}
{{- end }}
{{- if and (not $gateway.secrets.redisUrl) (not $gateway.secrets.existingSecret) }}
{{- fail "control-plane is enabled but the gateways have no Redis: set gateway.secrets.redisUrl (or gateway.secrets.existingSecret with a redis-url key); the control plane writes API keys there" }}
{{- end }}
{{- if $cp.gatewaySecret.name }}
{{- $theirs := default (default (include "tollgate.component" (list . "gateway")) $gateway.fullnameOverride) $gateway.secrets.existingSecret }}
{{- $read := tpl $cp.gatewaySecret.name . }}
{{- if ne $read $theirs }}
{{- fail (printf "control-plane.gatewaySecret.name (%s) must name the gateways' Secret (%s), so that both use one pepper and one Redis" $read $theirs) }}
{{- end }}
{{- if or (ne $cp.gatewaySecret.keys.keyPepper $gateway.secrets.keys.keyPepper) (ne $cp.gatewaySecret.keys.redisUrl $gateway.secrets.keys.redisUrl) }}
{{- fail "control-plane.gatewaySecret.keys must equal gateway.secrets.keys (keyPepper, redisUrl)" }}
{{- end }}
{{- else if and $cp.secrets.keyPepper $gateway.secrets.keyPepper (ne $cp.secrets.keyPepper $gateway.secrets.keyPepper) }}
{{- fail "control-plane.secrets.keyPepper and gateway.secrets.keyPepper differ: keys minted by the control plane would not match at the gateways" }}
{{- end }}
{{- end }}
{{- end }}
