{{/* Combinations the schema cannot express. */}}
{{- define "vllm.validate" -}}
{{- if and (eq .Values.mode "vllm") (eq .Values.modelCache.type "pvc") .Values.modelCache.pvc.existingClaim (gt (int .Values.replicaCount) 1) (not (has "ReadWriteMany" .Values.modelCache.pvc.accessModes)) }}
{{- fail "modelCache.pvc.existingClaim is shared by every replica: with replicaCount > 1 it must be ReadWriteMany (list it in modelCache.pvc.accessModes), or leave existingClaim empty for a claim per replica" }}
{{- end }}
{{- end }}
