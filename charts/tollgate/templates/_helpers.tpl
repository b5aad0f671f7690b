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
{{- end }}
