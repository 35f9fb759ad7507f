#!/usr/bin/env bash
# Makes the certificates of a local or test install in compose/certs/ (never committed):
#  - tls.crt, tls.key: a self-signed certificate for the gateway. In production put the real
#    certificate and key there instead (same names), or set FAAS_TLS_CERT and FAAS_TLS_KEY for
#    the apisix service.
#  - registry/ca.crt, registry/registry.crt, registry/registry.key: a CA and the `registry`
#    service's certificate (names registry, localhost, 127.0.0.1), and certs.d/registry:5000/ca.crt,
#    the engine's layout of the same CA, which dind and the API nodes mount as /etc/docker/certs.d.
#  - nats-server.env, nats-api.env, nats-worker.env: random passwords of the NATS users `api` and
#    `worker` (compose/nats/accounts.conf), for the NATS servers and for each role's nodes.
#   compose/gen-dev-cert.sh [domain]      (default: FAAS_DOMAIN from compose/.env, or localhost)
# Each part is made only when missing (FORCE=1 to replace both).
set -euo pipefail
cd "$(dirname "$0")"

domain=${1:-$(sed -n 's/^FAAS_DOMAIN=//p' .env 2>/dev/null | tail -1)}
domain=${domain:-localhost}
mkdir -p certs

if [ -s certs/tls.crt ] && [ -s certs/tls.key ] && [ "${FORCE:-}" != 1 ]; then
  echo "compose/certs/tls.crt exists (FORCE=1 to replace it)"
else
  san="DNS:$domain,IP:127.0.0.1"
  [ "$domain" = localhost ] || san="$san,DNS:localhost"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
    -keyout certs/tls.key -out certs/tls.crt \
    -subj "/CN=$domain" \
    -addext "subjectAltName=$san" 2>/dev/null
  # APISIX runs as uid 636 in its image and must read the key through the bind mount. A test key
  # may be world-readable; a real one should instead be owned by 636 with mode 0400.
  chmod 0644 certs/tls.key certs/tls.crt
  echo "wrote compose/certs/tls.crt and tls.key for $domain"
fi

if [ -s certs/nats-server.env ] && [ -s certs/nats-api.env ] && [ -s certs/nats-worker.env ] \
    && [ "${FORCE:-}" != 1 ]; then
  echo "compose/certs/nats-*.env exist (FORCE=1 to replace them)"
else
  # A letter first: nats-server reads a $VARIABLE as a configuration value, so a password that
  # starts with a digit is taken for a number (or fails to parse) instead of a string.
  api_password=p$(openssl rand -hex 24)
  worker_password=p$(openssl rand -hex 24)
  umask 077
  printf 'FAAS_NATS_API_PASSWORD=%s\nFAAS_NATS_WORKER_PASSWORD=%s\n' \
    "$api_password" "$worker_password" > certs/nats-server.env
  printf 'FAAS_NATS_USER=api\nFAAS_NATS_PASSWORD=%s\n' "$api_password" > certs/nats-api.env
  printf 'FAAS_NATS_USER=worker\nFAAS_NATS_PASSWORD=%s\n' "$worker_password" > certs/nats-worker.env
  umask 022
  echo "wrote compose/certs/nats-server.env, nats-api.env and nats-worker.env (NATS passwords)"
fi

reg=certs/registry
trust="certs/certs.d/registry:5000"
if [ -s $reg/registry.crt ] && [ -s $reg/registry.key ] && [ -s "$trust/ca.crt" ] && [ "${FORCE:-}" != 1 ]; then
  echo "compose/certs/registry/registry.crt exists (FORCE=1 to replace it)"
  exit 0
fi
mkdir -p $reg "$trust"
# A CA of its own rather than a self-signed leaf: Go's TLS (the engine) wants the registry's
# certificate signed by the CA it trusts, and the CA can sign a new leaf without re-trusting.
openssl req -x509 -newkey rsa:2048 -nodes -days 825 \
  -keyout $reg/ca.key -out $reg/ca.crt -subj "/CN=faas compose registry CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout $reg/registry.key -out $reg/registry.csr \
  -subj "/CN=registry" 2>/dev/null
printf '%s\n' "subjectAltName=DNS:registry,DNS:localhost,IP:127.0.0.1" \
  "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" > $reg/registry.ext
openssl x509 -req -in $reg/registry.csr -CA $reg/ca.crt -CAkey $reg/ca.key -CAcreateserial \
  -days 365 -out $reg/registry.crt -extfile $reg/registry.ext 2>/dev/null
rm -f $reg/registry.csr $reg/registry.ext $reg/ca.srl
cp $reg/ca.crt "$trust/ca.crt"
# Read through bind mounts by the registry and by the nodes (uid 10001). Test material only.
chmod 0644 $reg/registry.key $reg/registry.crt $reg/ca.crt "$trust/ca.crt"
chmod 0600 $reg/ca.key
echo "wrote compose/certs/registry/ (CA, registry certificate) and $trust/ca.crt"
