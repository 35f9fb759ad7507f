#!/usr/bin/env bash
# Starts the apache/apisix image in standalone mode with what config.yaml and apisix.yaml expect
# from the environment, then hands over to the image's own entrypoint.
#
#  - FAAS_TLS_CERT / FAAS_TLS_KEY: the PEM text of the gateway's certificate and key. When they
#    are not set, they are read from $FAAS_TLS_DIR/tls.crt and tls.key (a mounted directory,
#    default /usr/local/apisix/conf/cert). Without either, APISIX would load no routes at all
#    (an unresolved ${{VAR}} rejects the whole apisix.yaml), so this script stops with a message.
#  - FAAS_DNS_SERVER: the resolver used to discover the API replicas, taken from
#    /etc/resolv.conf when not set (Docker's 127.0.0.11 in compose).
#  - FAAS_API_DISCOVERY=static (Kumori): the upstream becomes the single node FAAS_API_UPSTREAM
#    instead of DNS discovery. There a load-balancing connector already spreads requests over
#    the API instances behind one address, and that address is resolved through the container's
#    own resolver (hosts file, search domains), which APISIX's DNS discovery does not use.
set -euo pipefail

conf_dir=${APISIX_PREFIX:-/usr/local/apisix}/conf

tls_dir=${FAAS_TLS_DIR:-/usr/local/apisix/conf/cert}

if [ -z "${FAAS_TLS_CERT:-}" ] && [ -r "$tls_dir/tls.crt" ]; then
  FAAS_TLS_CERT=$(cat "$tls_dir/tls.crt")
  export FAAS_TLS_CERT
fi
if [ -z "${FAAS_TLS_KEY:-}" ] && [ -r "$tls_dir/tls.key" ]; then
  FAAS_TLS_KEY=$(cat "$tls_dir/tls.key")
  export FAAS_TLS_KEY
fi
if [ -z "${FAAS_TLS_CERT:-}" ] || [ -z "${FAAS_TLS_KEY:-}" ]; then
  echo "faas-apisix: no TLS certificate: set FAAS_TLS_CERT and FAAS_TLS_KEY, or mount" \
       "tls.crt and tls.key in $tls_dir (compose/gen-dev-cert.sh makes a self-signed pair)" >&2
  exit 64
fi

if [ -z "${FAAS_DNS_SERVER:-}" ]; then
  ns=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)
  case "$ns" in
    "") ;;
    *:*) FAAS_DNS_SERVER="[$ns]:53" ;;   # IPv6 resolver
    *) FAAS_DNS_SERVER="$ns:53" ;;
  esac
  if [ -n "${FAAS_DNS_SERVER:-}" ]; then
    export FAAS_DNS_SERVER
  fi
fi

if [ "${FAAS_API_DISCOVERY:-dns}" = static ]; then
  rules=$conf_dir/apisix.yaml
  if [ ! -w "$rules" ]; then
    echo "faas-apisix: FAAS_API_DISCOVERY=static needs a writable $rules (bake it into the image)" >&2
    exit 64
  fi
  node=${FAAS_API_UPSTREAM:?FAAS_API_DISCOVERY=static needs FAAS_API_UPSTREAM (host:port)}
  tmp=$(mktemp)
  awk -v node="$node" '
    /^    discovery_type: dns[[:space:]]*$/ { next }
    /^    service_name: / { print "    nodes:"; print "      \"" node "\": 1"; next }
    { print }
  ' "$rules" > "$tmp"
  cat "$tmp" > "$rules"
  rm -f "$tmp"
fi

exec /docker-entrypoint.sh "${@:-docker-start}"
