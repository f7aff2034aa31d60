ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 101 curl_group && useradd --uid 100 --gid 101 --no-create-home curl_user
USER 100:101
ENTRYPOINT ["curl"]
