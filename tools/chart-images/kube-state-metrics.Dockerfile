# kube-state-metrics, built from its Go module (tools/build-from-source.sh),
# laid out as the official image: the binary at / as entrypoint with its
# two ports, run as nobody (65534).
ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
COPY kube-state-metrics /kube-state-metrics
USER 65534
EXPOSE 8080 8081
ENTRYPOINT ["/kube-state-metrics", "--port=8080", "--telemetry-port=8081"]
