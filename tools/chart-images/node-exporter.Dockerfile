# Prometheus node_exporter, built from its Go module (tools/build-from-source.sh),
# laid out as the official image: the binary as entrypoint, run as nobody.
ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
COPY node_exporter /bin/node_exporter
USER nobody
EXPOSE 9100
ENTRYPOINT ["/bin/node_exporter"]
