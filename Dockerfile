# pachca-profile as a small non-root image: `docker run --rm -e PACHCA_TOKEN -v "$PWD:/work" IMAGE plan profiles/me.yaml`.
#
# Its long-running use is `watch` (docs/watch.md): windows applied on time, drift reverted.
# The volume holds the files and the state folder (.pachca-profile/, state records kept
# between restarts); the token comes from a secret file, never the environment of the
# image; the metrics port is 9464:
#   docker run -d --name pachca-profile --restart unless-stopped \
#     -v "$PWD:/work" -v "$PWD/.secrets/pachca_token:/run/secrets/pachca_token:ro" \
#     -p 127.0.0.1:9464:9464 IMAGE \
#     watch --token-file /run/secrets/pachca_token --metrics-listen :9464 profiles/
# (with Compose or Swarm: `secrets: [pachca_token]` mounts it at the same path). `docker stop`
# sends SIGTERM: any write in progress is finished, then it exits 0. The image has no HTTP
# client: probe /healthz from outside (Prometheus, the orchestrator's HTTP check).
#
# Stage 1 builds the release binary with the Swift runtime linked statically; stage 2 is
# Debian slim with only what the binary loads (libyaml, libcurl) plus CA certificates and tzdata.

FROM swift:6.3.1-bookworm AS builder
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test targets too, so their folders must be there for it to load.
COPY Package.swift VERSION LICENSE README.md ./
COPY Sources ./Sources
COPY Tests ./Tests
# The one release build (static Swift runtime and the other free flags: docs/architecture.md).
COPY scripts/release-build.sh ./scripts/
RUN ./scripts/release-build.sh --product pachca-profile \
 && ./scripts/release-build.sh --product pachca-profile-metrics \
 && install -D -m 0755 "$(./scripts/release-build.sh --product pachca-profile --show-bin-path)/pachca-profile" /out/pachca-profile \
 && install -D -m 0755 "$(./scripts/release-build.sh --product pachca-profile --show-bin-path)/pachca-profile-metrics" /out/pachca-profile-metrics \
 && strip /out/pachca-profile /out/pachca-profile-metrics \
 && test "$(/out/pachca-profile --version)" = "$(tr -d ' \n' < VERSION)"

FROM debian:bookworm-slim
# Security updates make exact apt versions vanish from the archive; the base tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libcurl4 libyaml-0-2 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin pachca
COPY --from=builder /out/pachca-profile /out/pachca-profile-metrics /usr/local/bin/
COPY --from=builder /src/LICENSE /usr/share/doc/pachca-profile/LICENSE
USER 10001:10001
WORKDIR /work
VOLUME ["/work"]
EXPOSE 9464
ENTRYPOINT ["pachca-profile"]
CMD ["--help"]
