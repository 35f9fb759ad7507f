#!/usr/bin/env bash
# Makes a self-signed certificate for the gateway in compose/certs/ (tls.crt, tls.key), for a
# local or test install only. In production put the real certificate and key there instead
# (same names), or set FAAS_TLS_CERT and FAAS_TLS_KEY for the apisix service.
#   compose/gen-dev-cert.sh [domain]      (default: FAAS_DOMAIN from compose/.env, or localhost)
set -euo pipefail
cd "$(dirname "$0")"

domain=${1:-$(sed -n 's/^FAAS_DOMAIN=//p' .env 2>/dev/null | tail -1)}
domain=${domain:-localhost}
mkdir -p certs
if [ -s certs/tls.crt ] && [ -s certs/tls.key ] && [ "${FORCE:-}" != 1 ]; then
  echo "compose/certs/tls.crt exists (FORCE=1 to replace it)"
  exit 0
fi
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
