{{/*
Chart name, overridable with nameOverride.
*/}}
{{- define "hotswap.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated at 63 characters (the DNS label limit of
Service names). When the release name already contains the chart name it is
used as is.
*/}}
{{- define "hotswap.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version for the helm.sh/chart label.
*/}}
{{- define "hotswap.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels shared by every resource, without the selector labels.
*/}}
{{- define "hotswap.commonLabels" -}}
helm.sh/chart: {{ include "hotswap.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hotswap
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels of the API pods. They never change across upgrades (selectors
are immutable); the component label keeps the PostgreSQL pods out of them.
*/}}
{{- define "hotswap.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hotswap.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{/*
Labels of the API resources.
*/}}
{{- define "hotswap.labels" -}}
{{ include "hotswap.selectorLabels" . }}
{{ include "hotswap.commonLabels" . }}
{{- end }}

{{/*
Name of the ServiceAccount of the API pods.
*/}}
{{- define "hotswap.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hotswap.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The ServiceAccount token is mounted only when Vault's Kubernetes auth method
logs in with it (or the user asks for it).
*/}}
{{- define "hotswap.automountServiceAccountToken" -}}
{{- if or .Values.serviceAccount.automountToken (and .Values.vault.enabled (eq .Values.vault.authMethod "kubernetes")) }}true{{ else }}false{{ end }}
{{- end }}

{{/*
An image reference: repository@digest when a digest is set, repository:tag otherwise.
Usage: include "hotswap.imageRef" (dict "image" .Values.image "defaultTag" .Chart.AppVersion)
*/}}
{{- define "hotswap.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (toString (.image.tag | default .defaultTag)) }}
{{- end }}
{{- end }}

{{- define "hotswap.image" -}}
{{- include "hotswap.imageRef" (dict "image" .Values.image "defaultTag" .Chart.AppVersion) }}
{{- end }}

{{- define "hotswap.configMapName" -}}
{{- printf "%s-config" (include "hotswap.fullname" . | trunc 56 | trimSuffix "-") }}
{{- end }}

{{/*
Built-in PostgreSQL: named <release>-postgresql, like a bitnami subchart would be.
*/}}
{{- define "hotswap.postgresql.fullname" -}}
{{- printf "%s-postgresql" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Names derived from it, short enough for their kinds: a Service name is a
63-character DNS label, and a StatefulSet or CronJob name may have at most 52
characters (the controllers append a hash or timestamp).
*/}}
{{- define "hotswap.postgresql.headlessName" -}}
{{- printf "%s-hl" (include "hotswap.postgresql.fullname" . | trunc 60 | trimSuffix "-") }}
{{- end }}

{{- define "hotswap.postgresql.statefulSetName" -}}
{{- include "hotswap.postgresql.fullname" . | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "hotswap.postgresql.backupName" -}}
{{- printf "%s-backup" (include "hotswap.postgresql.fullname" . | trunc 45 | trimSuffix "-") }}
{{- end }}

{{- define "hotswap.postgresql.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hotswap.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: postgresql
{{- end }}

{{- define "hotswap.postgresql.labels" -}}
{{ include "hotswap.postgresql.selectorLabels" . }}
{{ include "hotswap.commonLabels" . }}
{{- end }}

{{- define "hotswap.postgresql.image" -}}
{{- include "hotswap.imageRef" (dict "image" .Values.postgresql.image "defaultTag" "") }}
{{- end }}

{{/*
Connection settings of the database the API uses: the built-in PostgreSQL or
externalDatabase.
*/}}
{{- define "hotswap.database.host" -}}
{{- if .Values.postgresql.enabled }}
{{- include "hotswap.postgresql.fullname" . }}
{{- else }}
{{- required "externalDatabase.host is required when postgresql.enabled=false: set it to the host of your PostgreSQL server" .Values.externalDatabase.host }}
{{- end }}
{{- end }}

{{- define "hotswap.database.port" -}}
{{- if .Values.postgresql.enabled }}5432{{ else }}{{ .Values.externalDatabase.port }}{{ end }}
{{- end }}

{{- define "hotswap.database.name" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.database }}{{ else }}{{ .Values.externalDatabase.database }}{{ end }}
{{- end }}

{{- define "hotswap.database.user" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.username }}{{ else }}{{ .Values.externalDatabase.username }}{{ end }}
{{- end }}

{{- define "hotswap.database.secretName" -}}
{{- if .Values.postgresql.enabled }}
{{- include "hotswap.postgresql.fullname" . }}
{{- else if .Values.externalDatabase.existingSecret }}
{{- .Values.externalDatabase.existingSecret }}
{{- else if .Values.externalDatabase.password }}
{{- printf "%s-external-db" (include "hotswap.fullname" . | trunc 51 | trimSuffix "-") }}
{{- else }}
{{- fail "externalDatabase.existingSecret (preferred) or externalDatabase.password must be set when postgresql.enabled=false" }}
{{- end }}
{{- end }}

{{- define "hotswap.database.secretKey" -}}
{{- if or .Values.postgresql.enabled (not .Values.externalDatabase.existingSecret) }}password{{ else }}{{ .Values.externalDatabase.existingSecretPasswordKey }}{{ end }}
{{- end }}

{{/*
Database environment of the API (and of the backup job): the password only as
a secretKeyRef.
*/}}
{{- define "hotswap.database.env" -}}
- name: DATABASE_HOST
  value: {{ include "hotswap.database.host" . | quote }}
- name: DATABASE_PORT
  value: {{ include "hotswap.database.port" . | quote }}
- name: DATABASE_NAME
  value: {{ include "hotswap.database.name" . | quote }}
- name: DATABASE_USER
  value: {{ include "hotswap.database.user" . | quote }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "hotswap.database.secretName" . }}
      key: {{ include "hotswap.database.secretKey" . }}
{{- end }}

{{/*
Vault: the Secret the chart creates from plain token / AppRole values.
*/}}
{{- define "hotswap.vault.secretName" -}}
{{- printf "%s-vault" (include "hotswap.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/*
Vault's port, from vault.address (for the NetworkPolicy egress rule).
*/}}
{{- define "hotswap.vault.port" -}}
{{- $url := urlParse .Values.vault.address }}
{{- $parts := splitList ":" $url.host }}
{{- if gt (len $parts) 1 }}{{ last $parts }}{{ else if eq $url.scheme "https" }}443{{ else }}80{{ end }}
{{- end }}

{{/*
Vault environment of the API. Credentials only ever come from Secrets.
*/}}
{{- define "hotswap.vault.env" -}}
{{- $v := .Values.vault }}
- name: VAULT_ADDR
  value: {{ $v.address | quote }}
- name: VAULT_AUTH_METHOD
  value: {{ $v.authMethod | quote }}
{{- if $v.tls.caSecret }}
- name: VAULT_CACERT
  value: {{ printf "/vault/tls/%s" $v.tls.caKey | quote }}
{{- end }}
{{- if eq $v.authMethod "kubernetes" }}
- name: VAULT_AUTH_PATH
  value: {{ $v.authPath | default "kubernetes" | quote }}
- name: VAULT_ROLE
  value: {{ required "vault.role is required when vault.authMethod=kubernetes: set it to the Vault role bound to the service account" $v.role | quote }}
- name: VAULT_K8S_TOKEN_PATH
  value: /var/run/secrets/kubernetes.io/serviceaccount/token
{{- else if eq $v.authMethod "token" }}
{{- if not (or $v.existingSecret $v.token) }}
{{- fail "vault.authMethod=token needs a token: set vault.existingSecret (preferred) or vault.token" }}
{{- end }}
- name: VAULT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $v.existingSecret | default (include "hotswap.vault.secretName" .) }}
      key: {{ ternary $v.existingSecretTokenKey "token" (not (empty $v.existingSecret)) }}
{{- else if eq $v.authMethod "approle" }}
{{- $a := $v.appRole }}
{{- if not (or $a.existingSecret (and $a.roleId $a.secretId)) }}
{{- fail "vault.authMethod=approle needs credentials: set vault.appRole.existingSecret (preferred) or both vault.appRole.roleId and vault.appRole.secretId" }}
{{- end }}
- name: VAULT_AUTH_PATH
  value: {{ $v.authPath | default "approle" | quote }}
- name: VAULT_ROLE_ID
  valueFrom:
    secretKeyRef:
      name: {{ $a.existingSecret | default (include "hotswap.vault.secretName" .) }}
      key: {{ ternary $a.roleIdKey "role-id" (not (empty $a.existingSecret)) }}
- name: VAULT_SECRET_ID
  valueFrom:
    secretKeyRef:
      name: {{ $a.existingSecret | default (include "hotswap.vault.secretName" .) }}
      key: {{ ternary $a.secretIdKey "secret-id" (not (empty $a.existingSecret)) }}
{{- else }}
{{- fail (printf "vault.authMethod must be one of kubernetes, token, approle (got %q)" $v.authMethod) }}
{{- end }}
{{- end }}

{{/*
API replicas the Deployment runs without an HPA: replicaCount, 3 when it is unset.
*/}}
{{- define "hotswap.replicas" -}}
{{- ternary 3 .Values.replicaCount (kindIs "invalid" .Values.replicaCount) }}
{{- end }}

{{/*
The HPA's minimum: an explicitly set replicaCount (the pods the user asked for),
otherwise autoscaling.minReplicas. replicaCount defaults to null so that helm can
tell "set" from "default".
*/}}
{{- define "hotswap.hpaMinReplicas" -}}
{{- ternary .Values.autoscaling.minReplicas .Values.replicaCount (kindIs "invalid" .Values.replicaCount) }}
{{- end }}

{{/*
Ingress paths of one host: `/` (Prefix) when the host gives none.
*/}}
{{- define "hotswap.ingressPaths" -}}
{{- toYaml (.paths | default (list (dict "path" "/" "pathType" "Prefix"))) }}
{{- end }}

{{/*
Validation that JSON schema can't express well.
*/}}
{{- define "hotswap.validate" -}}
{{- if .Values.autoscaling.enabled }}
{{- $min := int (include "hotswap.hpaMinReplicas" .) }}
{{- $max := int .Values.autoscaling.maxReplicas }}
{{- $from := ternary "autoscaling.minReplicas" "replicaCount" (kindIs "invalid" .Values.replicaCount) }}
{{- if lt $min 1 }}
{{- fail (printf "%s (%d) must be at least 1 while autoscaling.enabled=true: it is the HorizontalPodAutoscaler's minimum (autoscaling.enabled=false scales to zero)" $from $min) }}
{{- end }}
{{- if gt $min $max }}
{{- fail (printf "%s (%d) must not exceed autoscaling.maxReplicas (%d): it is the HorizontalPodAutoscaler's minimum" $from $min $max) }}
{{- end }}
{{- end }}
{{- if and .Values.ingress.enabled (empty .Values.ingress.hosts) }}
{{- fail "ingress.enabled=true needs at least one entry in ingress.hosts" }}
{{- end }}
{{- end }}
