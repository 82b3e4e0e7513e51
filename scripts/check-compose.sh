#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: renders a fresh .env with
# scripts/compose-init.sh in a temporary copy of the deployment files (so a real .env is never
# touched), then asks a compose client to parse and interpolate everything (`config`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
git ls-files -z -- docker-compose.yml .env.example .dockerignore scripts/compose-init.sh \
  synapse-config livekit-config bridge-service/Dockerfile client/Dockerfile client/Caddyfile |
  while IFS= read -r -d '' file; do
    mkdir -p "$work/$(dirname "$file")"
    cp -p "$file" "$work/$file"
  done

# Documentation-range address and example domain: nothing is contacted.
XSTREAM_DOMAIN=chat.example.org LIVEKIT_NODE_IP=203.0.113.10 sh "$work/scripts/compose-init.sh" >/dev/null
# Idempotent: a second run keeps every secret.
before=$(sha256sum "$work/.env")
sh "$work/scripts/compose-init.sh" >/dev/null
[ "$before" = "$(sha256sum "$work/.env")" ] || { echo "compose-init.sh changed .env on a second run" >&2; exit 1; }

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "no compose client: install Debian's docker-compose package" >&2
  exit 1
fi
(cd "$work" && "${compose[@]}" -f docker-compose.yml config -q)
# Every secret the bridge needs reaches its environment.
rendered=$(cd "$work" && "${compose[@]}" -f docker-compose.yml config)
for key in SESSION_SECRET AS_TOKEN HS_TOKEN SYNAPSE_JWT_SECRET SYNAPSE_REGISTRATION_SHARED_SECRET LIVEKIT_API_SECRET; do
  grep -Eq "^ +${key}: .{32,}" <<<"$rendered" || { echo "bridge-service gets no $key" >&2; exit 1; }
done

# Federation (README "Federating with another organisation"): other homeservers reach Synapse
# through Caddy on 443 after reading the delegation answer, and the operator's list of
# homeservers allowed to use calls reaches the bridge.
fail() { echo "federation: $*" >&2; exit 1; }
grep -Fq '"m.server": "{$XSTREAM_DOMAIN}:{$XSTREAM_FEDERATION_PORT:443}"' client/Caddyfile || fail "Caddy does not delegate federation to :443"
grep -q XSTREAM_FEDERATION_PORT <<<"$rendered" && fail "compose overrides the federation port Caddy names (443)"
grep -Fq '@synapse path /_matrix/*' client/Caddyfile || fail "Caddy does not pass /_matrix/* to Synapse"
grep -Eq 'published: "?443"?$' <<<"$rendered" || fail "port 443 is not published"
printf 'RTC_ALLOWED_HOMESERVERS=partner.example.net\nXSTREAM_PEER_ORIGINS=https://chat.partner.example.net\n' >>"$work/.env"
listed=$(cd "$work" && "${compose[@]}" -f docker-compose.yml config)
grep -Eq '^ +RTC_ALLOWED_HOMESERVERS: partner\.example\.net$' <<<"$listed" || fail "RTC_ALLOWED_HOMESERVERS does not reach the bridge"
grep -Eq '^ +XSTREAM_PEER_ORIGINS: https://chat\.partner\.example\.net$' <<<"$listed" || fail "XSTREAM_PEER_ORIGINS does not reach Caddy"
grep -Fq "https://livekit.{\$XSTREAM_DOMAIN} {\$XSTREAM_PEER_ORIGINS};" client/Caddyfile || fail "the web client may not reach partner organisations for calls"
# The init container's rendering (it chowns files for the containers, hence root only).
if [ "$(id -u)" = 0 ]; then
  out=$work/out
  mkdir -p "$out/synapse" "$out/synapse-data" "$out/livekit" "$out/postgres-initdb"
  (set -a && . "$work/.env" && set +a && XS_TEMPLATE_ROOT=$work XS_OUTPUT_ROOT=$out sh "$work/scripts/compose-init.sh" render >/dev/null)
  homeserver=$out/synapse/homeserver.yaml
  grep -Fq 'server_name: "chat.example.org"' "$homeserver" || fail "server_name is not XSTREAM_DOMAIN"
  grep -Fq 'names: [client, federation, openid]' "$homeserver" || fail "Synapse does not serve federation on its listener"
  grep -Fq 'require_auth_for_profile_requests: true' "$homeserver" || fail "profiles are readable without auth"
  grep -Fq 'regex: "@xstream_.*:chat\\.example\\.org$"' "$out/synapse/appservice-xstream.yaml" ||
    fail "the appservice namespace is not anchored to this server name"
  echo "federation settings of the rendered configuration are in place"
fi
echo "docker-compose.yml is valid (${compose[*]} config)"
