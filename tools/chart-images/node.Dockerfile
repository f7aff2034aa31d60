ARG BASE=hotswap-local/debian:bookworm
FROM $BASE
# The machine's own Node.js and npm (no image registry to pull node from), and
# its CA bundle: npm inside a build reaches the registry through the same
# TLS-inspecting egress as the machine does. This image never leaves the machine.
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version
