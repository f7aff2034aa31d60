# Alertmanager, built from its Go module (tools/build-from-source.sh), laid
# out as the official image: the binary as entrypoint, /alertmanager as the
# working and storage directory, run as nobody.
ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
COPY alertmanager /bin/alertmanager
RUN mkdir -p /alertmanager /etc/alertmanager && chown -R nobody:nogroup /alertmanager /etc/alertmanager
USER nobody
WORKDIR /alertmanager
EXPOSE 9093
ENTRYPOINT ["/bin/alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
