# pachca-profile — see README.md. Two commands on a fresh machine: `make demo`, `make test`
# (each first installs the Debian packages the build needs, or prints the one line to run).
PREFIX ?= /usr/local
SWIFT ?= swift
# libcurl applies http_proxy even to 127.0.0.1: keep loopback traffic (emulator) off any proxy.
export NO_PROXY := 127.0.0.1,localhost,::1$(if $(NO_PROXY),$(comma)$(NO_PROXY))
export no_proxy := $(NO_PROXY)
comma := ,

.PHONY: deps build release test demo demo-team install bench fuzz clean

# libyaml-dev, libcurl4-openssl-dev, pkg-config, tzdata, curl (scripts/install-deps.sh).
deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The one release build (scripts/release-build.sh): the plain release build plus flags that
# cost nothing to maintain (static Swift runtime, lld, static libstdc++; docs/architecture.md).
release: deps
	SWIFT=$(SWIFT) ./scripts/release-build.sh

# Serial on purpose: the network suites run FlyingFox servers inside the test process, and on
# a 2-core machine CPU-bound suites (fuzz, yaml-test-suite) in parallel starve their threads.
test: deps
	./scripts/test-install-deps.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	./scripts/lint-ci.sh

demo: build
	./scripts/demo.sh

# plan → apply → plan on profiles/team/ against an emulator serving a workspace.
demo-team: build
	./scripts/demo-team.sh

install: release
	install -d $(PREFIX)/bin
	install -m 0755 "$$(SWIFT=$(SWIFT) ./scripts/release-build.sh --show-bin-path)/pachca-profile" $(PREFIX)/bin/pachca-profile
	install -m 0755 "$$(SWIFT=$(SWIFT) ./scripts/release-build.sh --show-bin-path)/pachca-emulator" $(PREFIX)/bin/pachca-emulator
	install -m 0755 "$$(SWIFT=$(SWIFT) ./scripts/release-build.sh --show-bin-path)/pachca-profile-metrics" $(PREFIX)/bin/pachca-profile-metrics

bench:
	./bench/run.sh

# Release packaging (docs/architecture.md). `make dist`: dist/pachca-profile-VERSION-OS-ARCH.tar.gz + .sha256.
# `make test-dist`: unpacks it and runs it with the Swift toolchain hidden. A release build takes
# minutes on 2 cores, so it is not part of `make test`; .ci/run runs it after `make test`.
.PHONY: dist test-dist lint-ci
dist: deps
	SWIFT=$(SWIFT) ./scripts/dist.sh

test-dist: dist
	SWIFT=$(SWIFT) ./scripts/test-dist.sh

# actionlint, hadolint, shellcheck and the JSON schemas on action.yml, the workflows, the
# Dockerfile and the GitLab template (part of `make test`; .ci/run installs the linters).
lint-ci:
	./scripts/lint-ci.sh

clean:
	rm -rf .build
