# metrics-server, built from its Go module (tools/build-from-source.sh), laid
# out as the official image: the binary at / as entrypoint, run as nobody
# (65534) unless the chart's securityContext says otherwise.
ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
COPY metrics-server /metrics-server
USER 65534
EXPOSE 10250
ENTRYPOINT ["/metrics-server"]
