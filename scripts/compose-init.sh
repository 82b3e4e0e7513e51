#!/bin/sh
# Bootstrap for the docker-compose deployment. POSIX sh; idempotent.
#
#   scripts/compose-init.sh
#       On the host, before `docker compose up`. Creates .env from .env.example (mode 600) or
#       adds keys that a newer .env.example introduced, generates every empty secret, and never
#       changes a value that is already set. XSTREAM_DOMAIN and LIVEKIT_NODE_IP may be given in
#       the environment on the first run instead of editing .env.
#
#   scripts/compose-init.sh render
#       Inside the one-shot compose service `init`, on every `docker compose up`. Renders the
#       ${XS_*} templates of synapse-config/ and livekit-config/ into the config volumes (failing
#       with the names of placeholders that have no value), writes PostgreSQL's first-start
#       script and Synapse's signing key if it is missing. Rendered secrets only ever live in
#       Docker volumes, never in the working tree.
set -eu

SECRET_KEYS="POSTGRES_PASSWORD SYNAPSE_DB_PASSWORD BRIDGE_DB_PASSWORD
SYNAPSE_REGISTRATION_SHARED_SECRET SYNAPSE_MACAROON_SECRET_KEY SYNAPSE_FORM_SECRET
SYNAPSE_JWT_SECRET AS_TOKEN HS_TOKEN SESSION_SECRET LIVEKIT_API_KEY LIVEKIT_API_SECRET
SYNAPSE_WORKER_REPLICATION_SECRET"
REQUIRED_KEYS="XSTREAM_DOMAIN LIVEKIT_NODE_IP"

# Fixed names inside the compose network; docker-compose.yml uses the same ones.
SYNAPSE_DB=synapse
BRIDGE_DB=xstream_bridge
# The uid:gid the official Synapse image drops to (start.py runs Synapse as 991:991).
SYNAPSE_OWNER=991:991

die() {
  printf 'compose-init: %s\n' "$*" >&2
  exit 1
}

random_hex() { # bytes
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex "$1"
  else
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
  fi
}

# A Web Push VAPID key pair (P-256) as "PUBLIC PRIVATE", both base64url; empty without openssl.
# openssl writes the key as SEC1 DER, 121 bytes for this curve: the 32-byte private key at
# offset 7, the 65-byte uncompressed public key at offset 56.
vapid_keys() {
  command -v openssl >/dev/null 2>&1 || return 0
  der=$(mktemp)
  openssl ecparam -name prime256v1 -genkey -noout -outform DER >"$der" 2>/dev/null || true
  if [ "$(wc -c <"$der" | tr -d ' ')" = 121 ]; then
    b64url() { dd if="$der" bs=1 skip="$1" count="$2" 2>/dev/null | base64 | tr '+/' '-_' | tr -d '=\n'; }
    printf '%s %s' "$(b64url 56 65)" "$(b64url 7 32)"
  fi
  rm -f "$der"
}

check_domain() {
  printf '%s' "$1" | grep -Eq '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' ||
    die "XSTREAM_DOMAIN '$1' is not a lower-case DNS name such as chat.example.org"
}

check_ip() {
  printf '%s' "$1" | grep -Eq '^([0-9]{1,3}\.){3}[0-9]{1,3}$|^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$' ||
    die "LIVEKIT_NODE_IP '$1' is not an IP address such as 203.0.113.7"
}

# --- host mode: .env --------------------------------------------------------------------------

# Compose reads the last of duplicate keys, so these read and write the last one too.
env_get() { # key file -> value of its last KEY= line (empty if none)
  sed -n "s/^$1=//p" "$2" | tail -n 1
}

env_has() { # key file
  grep -q "^$1=" "$2"
}

env_set() { # key value file; value must not contain newlines
  awk -v key="$1" -v value="$2" '
    NR == FNR { if (index($0, key "=") == 1) count++; next }
    index($0, key "=") == 1 && ++seen == count { print key "=" value; next }
    { print }
  ' "$3" "$3" >"$3.tmp"
  mv "$3.tmp" "$3"
}

prepare_env() {
  root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
  example=$root/.env.example
  env_file=$root/.env
  [ -f "$example" ] || die "$example is missing"
  umask 077

  if [ ! -f "$env_file" ]; then
    cp "$example" "$env_file"
    echo "compose-init: created .env from .env.example"
  else
    # Keys a newer .env.example added, each with its comment line and default value.
    missing=$(awk -F= '
      NR == FNR { if ($0 ~ /^[A-Z_][A-Z0-9_]*=/) have[$1] = 1; next }
      /^#/ { comment = $0; next }
      /^[A-Z_][A-Z0-9_]*=/ { if (!($1 in have)) { print comment; print } comment = ""; next }
      { comment = "" }
    ' "$env_file" "$example")
    if [ -n "$missing" ]; then
      printf '\n%s\n' "$missing" >>"$env_file"
      echo "compose-init: added new keys from .env.example to .env"
    fi
  fi
  chmod 600 "$env_file"

  # First-run values may come from the environment; an existing different value is an error.
  for key in $REQUIRED_KEYS; do
    given=$(printenv "$key" || true)
    [ -n "$given" ] || continue
    current=$(env_get "$key" "$env_file")
    if [ -z "$current" ]; then
      env_set "$key" "$given" "$env_file"
    elif [ "$current" != "$given" ]; then
      die "$key is already '$current' in .env; edit .env to change it (XSTREAM_DOMAIN must never change after the first start)"
    fi
  done

  generated=0
  for key in $SECRET_KEYS; do
    env_has "$key" "$env_file" || die "$key is missing from .env.example"
    [ -z "$(env_get "$key" "$env_file")" ] || continue
    case $key in
      LIVEKIT_API_KEY) value=API$(random_hex 8) ;;
      *) value=$(random_hex 32) ;;
    esac
    [ -n "$value" ] || die "could not generate a random value for $key"
    env_set "$key" "$value" "$env_file"
    generated=$((generated + 1))
  done
  [ "$generated" -eq 0 ] || echo "compose-init: generated $generated secret(s) in .env"

  # Web Push's VAPID keys are a pair, made together; browsers' subscriptions are bound to them.
  if [ -z "$(env_get VAPID_PUBLIC_KEY "$env_file")" ] || [ -z "$(env_get VAPID_PRIVATE_KEY "$env_file")" ]; then
    pair=$(vapid_keys)
    if [ -n "$pair" ]; then
      env_set VAPID_PUBLIC_KEY "${pair%% *}" "$env_file"
      env_set VAPID_PRIVATE_KEY "${pair#* }" "$env_file"
      echo "compose-init: generated the Web Push VAPID keys in .env"
    else
      echo "compose-init: no openssl, so Web Push stays off; set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (npx web-push generate-vapid-keys)"
    fi
  fi

  unset_keys=
  for key in $REQUIRED_KEYS; do
    [ -n "$(env_get "$key" "$env_file")" ] || unset_keys="$unset_keys $key"
  done
  if [ -n "$unset_keys" ]; then
    die "required setting(s) not set:${unset_keys}. Set them in $env_file and run this again, or pass them on the first run: XSTREAM_DOMAIN=chat.example.org LIVEKIT_NODE_IP=203.0.113.7 $0"
  fi
  check_domain "$(env_get XSTREAM_DOMAIN "$env_file")"
  check_ip "$(env_get LIVEKIT_NODE_IP "$env_file")"

  echo "compose-init: .env is complete. Next: docker compose up -d --build"
}

# --- container mode: render -------------------------------------------------------------------

# Substitutes ${NAME} from the environment; exits 2 naming every placeholder without a value.
render() { # template output owner mode
  tmp=$2.tmp
  if ! awk '
    {
      line = $0; out = ""
      while (match(line, /\$\{[A-Za-z_][A-Za-z0-9_]*\}/)) {
        name = substr(line, RSTART + 2, RLENGTH - 3)
        if (ENVIRON[name] == "") missing[name] = 1
        out = out substr(line, 1, RSTART - 1) ENVIRON[name]
        line = substr(line, RSTART + RLENGTH)
      }
      print out line
    }
    END {
      list = ""
      for (name in missing) list = list " " name
      if (list != "") {
        print "compose-init: " FILENAME ": no value for" list > "/dev/stderr"
        exit 2
      }
    }
  ' "$1" >"$tmp"; then
    rm -f "$tmp"
    exit 1
  fi
  chown "$3" "$tmp"
  chmod "$4" "$tmp"
  mv "$tmp" "$2"
}

require_env() {
  unset_keys=
  for key in "$@"; do
    [ -n "$(printenv "$key" || true)" ] || unset_keys="$unset_keys $key"
  done
  [ -z "$unset_keys" ] || die "no value for${unset_keys}; run scripts/compose-init.sh on the host first"
}

write_postgres_init() { # dir
  # Runs once, when the postgres-data volume is empty. Passwords come from the postgres
  # container's environment, so this file holds no secret.
  cat >"$1/10-xstream-databases.sh.tmp" <<EOF
#!/bin/sh
# Generated by scripts/compose-init.sh: one role and database for Synapse, one for the bridge.
set -eu
psql -v ON_ERROR_STOP=1 --username "\$POSTGRES_USER" --dbname "\$POSTGRES_DB" \\
  -v synapse_password="\$SYNAPSE_DB_PASSWORD" -v bridge_password="\$BRIDGE_DB_PASSWORD" <<'SQL'
CREATE ROLE $SYNAPSE_DB LOGIN PASSWORD :'synapse_password';
-- Synapse refuses databases whose collation is not C.
CREATE DATABASE $SYNAPSE_DB OWNER $SYNAPSE_DB
  ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE ROLE $BRIDGE_DB LOGIN PASSWORD :'bridge_password';
CREATE DATABASE $BRIDGE_DB OWNER $BRIDGE_DB ENCODING 'UTF8' TEMPLATE template0;
SQL
EOF
  chmod 755 "$1/10-xstream-databases.sh.tmp"
  mv "$1/10-xstream-databases.sh.tmp" "$1/10-xstream-databases.sh"
}

write_signing_key() { # data dir
  key=$1/signing.key
  if [ ! -s "$key" ]; then
    # Same format Synapse writes: "ed25519 a_<4 chars> <unpadded base64 of a 32-byte seed>".
    key_id=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c 1-4)
    seed=$(head -c 32 /dev/urandom | base64 | tr -d '=\n')
    if [ "${#key_id}" -ne 4 ] || [ "${#seed}" -ne 43 ]; then
      die "could not generate a signing key"
    fi
    (umask 077 && printf 'ed25519 a_%s %s\n' "$key_id" "$seed" >"$key.tmp")
    mv "$key.tmp" "$key"
    echo "compose-init: generated Synapse signing key a_$key_id"
  fi
  # The volume starts root-owned; Synapse (991) writes its media store and pid file here.
  chown "$SYNAPSE_OWNER" "$1" "$key"
  chmod 600 "$key"
}

# Synapse's worker mode for the scale profile (docker-compose.scale.yml): the shared
# workers.yaml, one worker.yaml per worker and the main process's listeners with replication.
# Rendered on every `up`, used only when the scale file is part of the deployment. Ports inside
# the compose network: main replication 9093, sync worker 8083, event persister 8084 (client)
# and 9094 (replication), federation sender 8085 (health only).
render_workers() {
  (
    export XS_REDIS='{"enabled": true, "host": "redis", "port": 6379}'
    export XS_INSTANCE_MAP='{"main": {"host": "synapse", "port": 9093}, "synapse-events": {"host": "synapse-events", "port": 9094}}'
    export XS_STREAM_WRITERS='{"events": ["synapse-events"]}'
    export XS_FEDERATION_SENDERS='["synapse-federation"]'
    export XS_WORKER_REPLICATION_SECRET="${SYNAPSE_WORKER_REPLICATION_SECRET:-}"
    render "$templates/synapse-config/workers.yaml" "$out/synapse/workers.yaml" "$SYNAPSE_OWNER" 600
    render "$templates/synapse-config/main-listeners-compose.yaml" "$out/synapse/main-listeners.yaml" "$SYNAPSE_OWNER" 600
    for worker in sync:'[{"type": "http", "port": 8083, "resources": [{"names": ["client"]}]}]' \
      events:'[{"type": "http", "port": 8084, "resources": [{"names": ["client"]}]}, {"type": "http", "port": 9094, "resources": [{"names": ["replication"]}]}]' \
      federation:'[{"type": "http", "port": 8085, "resources": [{"names": ["health"]}]}]'; do
      export XS_WORKER_NAME="synapse-${worker%%:*}"
      export XS_WORKER_LISTENERS="${worker#*:}"
      render "$templates/synapse-config/worker.yaml" "$out/synapse/$XS_WORKER_NAME.yaml" "$SYNAPSE_OWNER" 600
    done
  )
}

render_all() {
  templates=${XS_TEMPLATE_ROOT:-/xstream}
  out=${XS_OUTPUT_ROOT:-/out}

  require_env XSTREAM_DOMAIN LIVEKIT_NODE_IP
  check_domain "$XSTREAM_DOMAIN"
  check_ip "$LIVEKIT_NODE_IP"

  # Values the templates expect, in the names they use. The containers see the rendered files
  # at /config (Synapse, read-only), /data (Synapse state) and /etc/livekit (LiveKit).
  export XS_SERVER_NAME="$XSTREAM_DOMAIN"
  # Regex inside a YAML double-quoted string: "\\." is YAML for the regex "\.".
  XS_SERVER_NAME_REGEX=$(printf '%s' "$XSTREAM_DOMAIN" | sed 's/\./\\\\./g')
  export XS_SERVER_NAME_REGEX
  export XS_PUBLIC_URL="https://$XSTREAM_DOMAIN"
  export XS_SYNAPSE_DATA=/data
  export XS_SYNAPSE_CONFIG=/config
  export XS_SYNAPSE_PORT=8008
  export XS_SYNAPSE_BIND=0.0.0.0
  export XS_SYNAPSE_DB_HOST=postgres
  export XS_SYNAPSE_DB_PORT=5432
  export XS_SYNAPSE_DB_NAME="$SYNAPSE_DB"
  export XS_SYNAPSE_DB_USER="$SYNAPSE_DB"
  export XS_SYNAPSE_DB_PASSWORD="${SYNAPSE_DB_PASSWORD:-}"
  export XS_REGISTRATION_SHARED_SECRET="${SYNAPSE_REGISTRATION_SHARED_SECRET:-}"
  export XS_MACAROON_SECRET_KEY="${SYNAPSE_MACAROON_SECRET_KEY:-}"
  export XS_FORM_SECRET="${SYNAPSE_FORM_SECRET:-}"
  export XS_SYNAPSE_JWT_SECRET="${SYNAPSE_JWT_SECRET:-}"
  export XS_JWT_ISSUER="${SYNAPSE_JWT_ISSUER:-}"
  export XS_JWT_AUDIENCE="${SYNAPSE_JWT_AUDIENCE:-}"
  export XS_SYNAPSE_LOG_LEVEL="${SYNAPSE_LOG_LEVEL:-}"
  export XS_SYNAPSE_ACCESS_LOG_LEVEL="${SYNAPSE_ACCESS_LOG_LEVEL:-}"
  # Signing keys of other servers are fetched from those servers, not from a notary.
  export XS_TRUSTED_KEY_SERVERS='[]'
  # Synapse may push to the bridge's fixed address on the compose network (the push gateway).
  export XS_IP_RANGE_WHITELIST="[\"${BRIDGE_ADDRESS:-172.31.240.10}/32\"]"
  export XS_BRIDGE_URL=http://bridge-service:9000
  export XS_AS_TOKEN="${AS_TOKEN:-}"
  export XS_HS_TOKEN="${HS_TOKEN:-}"
  export XS_LIVEKIT_PORT=7880
  export XS_LIVEKIT_BIND=0.0.0.0
  export XS_LIVEKIT_RTC_TCP_PORT="${LIVEKIT_RTC_TCP_PORT:-}"
  export XS_LIVEKIT_RTC_UDP_START="${LIVEKIT_RTC_UDP_START:-}"
  export XS_LIVEKIT_RTC_UDP_END="${LIVEKIT_RTC_UDP_END:-}"
  export XS_LIVEKIT_NODE_IP="$LIVEKIT_NODE_IP"
  export XS_LIVEKIT_API_KEY="${LIVEKIT_API_KEY:-}"
  export XS_LIVEKIT_API_SECRET="${LIVEKIT_API_SECRET:-}"
  export XS_LIVEKIT_LOG_LEVEL="${LIVEKIT_LOG_LEVEL:-}"

  for dir in synapse synapse-data livekit postgres-initdb; do
    [ -d "$out/$dir" ] || die "$out/$dir is not mounted"
  done

  for name in homeserver.yaml database-postgres.yaml log.yaml appservice-xstream.yaml; do
    render "$templates/synapse-config/$name" "$out/synapse/$name" "$SYNAPSE_OWNER" 600
  done
  render_workers
  render_email "$templates" "$out/synapse/conf.d"
  render "$templates/livekit-config/livekit.yaml" "$out/livekit/livekit.yaml" 0:0 600
  # The scale profile's second LiveKit node: its own media ports on the same host.
  (
    export XS_LIVEKIT_RTC_TCP_PORT="${LIVEKIT2_RTC_TCP_PORT:-7882}"
    export XS_LIVEKIT_RTC_UDP_START="${LIVEKIT2_RTC_UDP_START:-50201}"
    export XS_LIVEKIT_RTC_UDP_END="${LIVEKIT2_RTC_UDP_END:-50300}"
    render "$templates/livekit-config/livekit.yaml" "$out/livekit/livekit-2.yaml" 0:0 600
  )
  write_postgres_init "$out/postgres-initdb"
  write_signing_key "$out/synapse-data"
  echo "compose-init: rendered Synapse and LiveKit configuration for $XSTREAM_DOMAIN"
}

# A value as a JSON string, which YAML reads as it is; one line only (a line break could add a
# key to Synapse's config or a header to every mail).
json_string() {
  case $1 in *"
"*) die "SMTP settings must be one line" ;; esac
  printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# Synapse's email section (synapse-config/email.yaml) when SMTP_HOST is set; none otherwise, so
# Synapse sends no mail and refuses to validate addresses.
render_email() { # templates dir
  mkdir -p "$2"
  chown "$SYNAPSE_OWNER" "$2"
  if [ -z "${SMTP_HOST:-}" ]; then
    rm -f "$2/email.yaml"
    return
  fi
  tls=${SMTP_TLS:-starttls}
  case $tls in starttls | tls | off) ;; *) die "SMTP_TLS must be starttls, tls or off" ;; esac
  port=${SMTP_PORT:-}
  [ -n "$port" ] || { [ "$tls" = tls ] && port=465 || port=587; }
  printf '%s' "$port" | grep -Eq '^[0-9]{1,5}$' || die "SMTP_PORT must be a port number"
  XS_SMTP_HOST=$(json_string "$SMTP_HOST")
  XS_SMTP_PORT=$port
  XS_SMTP_USER=null
  XS_SMTP_PASSWORD=null
  [ -z "${SMTP_USER:-}" ] || XS_SMTP_USER=$(json_string "$SMTP_USER")
  [ -z "${SMTP_PASSWORD:-}" ] || XS_SMTP_PASSWORD=$(json_string "$SMTP_PASSWORD")
  XS_SMTP_FORCE_TLS=false
  XS_SMTP_ENABLE_TLS=true
  XS_SMTP_REQUIRE_TLS=false
  case $tls in
    tls) XS_SMTP_FORCE_TLS=true ;;
    starttls) XS_SMTP_REQUIRE_TLS=true ;;
    off) XS_SMTP_ENABLE_TLS=false ;;
  esac
  XS_MAIL_FROM=$(json_string "${MAIL_FROM:-Xstream <noreply@$XSTREAM_DOMAIN>}")
  XS_EMAIL_NOTIF_DELAY=$(json_string "${EMAIL_NOTIF_DELAY:-10m}")
  export XS_SMTP_HOST XS_SMTP_PORT XS_SMTP_USER XS_SMTP_PASSWORD XS_SMTP_FORCE_TLS \
    XS_SMTP_ENABLE_TLS XS_SMTP_REQUIRE_TLS XS_MAIL_FROM XS_EMAIL_NOTIF_DELAY
  render "$1/synapse-config/email.yaml" "$2/email.yaml" "$SYNAPSE_OWNER" 600
}

case ${1:-} in
  '') prepare_env ;;
  render) render_all ;;
  *) die "usage: $0 [render]" ;;
esac
