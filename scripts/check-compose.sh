#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: renders a fresh .env with
# scripts/compose-init.sh in a temporary copy of the deployment files (so a real .env is never
# touched), then asks a compose client to parse and interpolate everything (`config`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
git ls-files -z -- docker-compose.yml docker-compose.scale.yml .env.example .dockerignore scripts/compose-init.sh \
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
# The scale profile (README "Scaling out"): Synapse workers through Redis, a second bridge and a
# second LiveKit node sharing rooms through Redis, and the edge routing to all of them.
scale() { echo "scale profile: $*" >&2; exit 1; }
(cd "$work" && "${compose[@]}" -f docker-compose.yml -f docker-compose.scale.yml --profile scale config -q) ||
  scale "docker-compose.scale.yml does not validate"
scaled=$(cd "$work" && "${compose[@]}" -f docker-compose.yml -f docker-compose.scale.yml --profile scale config)
services=$(cd "$work" && "${compose[@]}" -f docker-compose.yml -f docker-compose.scale.yml --profile scale config --services)
for service in redis synapse synapse-sync synapse-events synapse-federation bridge-service bridge-service-2 livekit livekit-2 edge; do
  grep -qx "$service" <<<"$services" || scale "no $service service"
done
[ "$(grep -c 'REDIS_HOST: redis:6379' <<<"$scaled")" = 2 ] || scale "the LiveKit nodes do not share Redis"
grep -Fq -- '--config-path=/config/workers.yaml' <<<"$scaled" || scale "Synapse does not read workers.yaml"
grep -Fq 'SYNAPSE_WORKER: synapse.app.generic_worker' <<<"$scaled" || scale "no generic worker"
grep -Eq '^ +XSTREAM_SYNAPSE_SYNC_UPSTREAM: synapse-sync:8083$' <<<"$scaled" || scale "the edge does not route /sync to the sync worker"
grep -Eq '^ +XSTREAM_BRIDGE_UPSTREAM: bridge-service:9000 bridge-service-2:9000$' <<<"$scaled" || scale "the edge does not balance the two bridges"
grep -Fq 'import ../synapse-config/synapse-routes.caddy' client/Caddyfile || scale "the Caddyfile does not import the worker routes"
grep -Fq 'synapse-config/synapse-routes.caddy /etc/synapse-config/synapse-routes.caddy' client/Dockerfile ||
  scale "the edge image lacks the worker routes"
# Without the scale file, one Synapse process and one bridge.
plain=$(cd "$work" && "${compose[@]}" -f docker-compose.yml config --services)
if grep -qx redis <<<"$plain"; then scale "redis runs without the scale profile"; fi

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
  grep -Fq 'redis: {"enabled": true, "host": "redis", "port": 6379}' "$out/synapse/workers.yaml" || scale "workers.yaml has no Redis"
  grep -Fq 'stream_writers: {"events": ["synapse-events"]}' "$out/synapse/workers.yaml" || scale "no event persister"
  grep -Fq 'federation_sender_instances: ["synapse-federation"]' "$out/synapse/workers.yaml" || scale "no federation sender"
  for worker in sync events federation; do
    grep -Fq "worker_name: \"synapse-$worker\"" "$out/synapse/synapse-$worker.yaml" || scale "synapse-$worker.yaml is not rendered"
  done
  grep -Fq 'names: [replication]' "$out/synapse/main-listeners.yaml" || scale "the main process has no replication listener"
  grep -Fq 'tcp_port: 7882' "$out/livekit/livekit-2.yaml" || scale "the second LiveKit node shares the first one's ports"
  grep -Eq '^    port: 5432$' "$out/synapse/database-postgres.yaml" || fail "Synapse's database port is not rendered"
  echo "the scale profile's rendered configuration is in place"
fi
echo "docker-compose.yml is valid (${compose[*]} config)"
