#!/bin/sh
# Builds a private Python environment for recording what the Python interface libraries write
# (test/fixtures/interfaces/): ops and Scenario, the libraries, and the few modules they import
# that the machine lacks. Nothing it fetches is committed; it lives under $PYLIBS (default
# /tmp/pylibs) and is used by `. $PYLIBS/env.sh` before running a recording script.
#
# Each source is a git repository (a clone, or a bare mirror), named by an environment variable:
#   OPERATOR=<canonical/operator>  CHARMLIBS=<canonical/charmlibs>  DPL=<canonical/data-platform-libs>
#   GRAFANA_AGENT=<canonical/grafana-agent-operator>  COS_LIB=<canonical/cos-lib>
#   TRAEFIK=<canonical/traefik-k8s-operator>  HAPROXY=<canonical/haproxy-operator>
# Python needs pydantic 2, cryptography and PyYAML (pip or Debian); websocket-client, tenacity and
# validators come from Debian (python3-websocket, python3-tenacity, python3-validators), linked in
# alone so that Debian's older pydantic is not picked up. opentelemetry-api is replaced by a
# do-nothing module (ops only opens spans).
set -eu
PYLIBS=${PYLIBS:-/tmp/pylibs}
mkdir -p "$PYLIBS/stubs/opentelemetry" "$PYLIBS/libroot/charms"

unpack() { # <name> <git repository>: its HEAD's files, and the commit in <name>.commit
  rm -rf "${PYLIBS:?}/$1" && mkdir -p "$PYLIBS/$1"
  git -C "$2" archive HEAD | tar -x -C "$PYLIBS/$1"
  git -C "$2" rev-parse HEAD > "$PYLIBS/$1.commit"
}
unpack operator "$OPERATOR"
unpack charmlibs "$CHARMLIBS"
unpack data-platform-libs "$DPL"
unpack grafana-agent-operator "$GRAFANA_AGENT"
unpack cos-lib "$COS_LIB"
unpack traefik-k8s-operator "$TRAEFIK"
unpack haproxy-operator "$HAPROXY"
touch "$PYLIBS/libroot/charms/__init__.py"
rm -rf "$PYLIBS/libroot/charms/"*/
cp -r "$PYLIBS/data-platform-libs/lib/charms/data_platform_libs" "$PYLIBS/grafana-agent-operator/lib/charms/grafana_agent" \
  "$PYLIBS/traefik-k8s-operator/lib/charms/traefik_k8s" "$PYLIBS/haproxy-operator/haproxy-operator/lib/charms/haproxy" \
  "$PYLIBS/libroot/charms/"

for module in websocket tenacity validators; do
  test -d "/usr/lib/python3/dist-packages/$module" || { echo "apt-get install python3-$module first" >&2; exit 1; }
  ln -sfn "/usr/lib/python3/dist-packages/$module" "$PYLIBS/stubs/$module"
done
: > "$PYLIBS/stubs/opentelemetry/__init__.py"
cat > "$PYLIBS/stubs/opentelemetry/trace.py" <<'PY'
# A do-nothing stand-in for opentelemetry-api's trace module: ops opens spans, nobody reads them.
import contextlib


class _SpanContext:
    trace_id = 0
    span_id = 0


class _Span:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None

    def get_span_context(self):
        return _SpanContext()

    def is_recording(self):
        return False


class _Tracer:
    @contextlib.contextmanager
    def start_as_current_span(self, *args, **kwargs):
        yield _Span()

    def start_span(self, *args, **kwargs):
        return _Span()


def get_tracer(*args, **kwargs):
    return _Tracer()


def get_current_span(*args, **kwargs):
    return _Span()
PY
cat > "$PYLIBS/env.sh" <<SH
export PYTHONPATH=$PYLIBS/stubs:$PYLIBS/operator:$PYLIBS/operator/testing/src:$PYLIBS/cos-lib/src:$PYLIBS/charmlibs/interfaces/tls-certificates/src:$PYLIBS/libroot
export PYLIBS=$PYLIBS
SH
. "$PYLIBS/env.sh"
python3 -c "
import ops, scenario
import charms.data_platform_libs.v0.data_interfaces, charms.grafana_agent.v0.cos_agent
import charms.traefik_k8s.v2.ingress, charms.haproxy.v2.haproxy_route, charmlibs.interfaces.tls_certificates
print('pylibs ready in $PYLIBS')"
