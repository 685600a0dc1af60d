# pachca-profile — see README.md. Two commands on a fresh machine: `make demo`, `make test`.
PREFIX ?= /usr/local
SWIFT ?= swift
# libcurl applies http_proxy even to 127.0.0.1: keep loopback traffic (emulator) off any proxy.
export NO_PROXY := 127.0.0.1,localhost,::1$(if $(NO_PROXY),$(comma)$(NO_PROXY))
export no_proxy := $(NO_PROXY)
comma := ,

.PHONY: build release link-layout test demo demo-team install bench fuzz clean

build:
	$(SWIFT) build

# The one release build (scripts/release-build.sh): Swift stdlib and FoundationEssentials linked
# statically, and a link shaped for peak RSS (link/pachca-profile.ld; see BENCHMARKS.md).
# Every build needs libcurl4-openssl-dev (the CCurl target; .ci/run installs it).
release:
	SWIFT=$(SWIFT) ./scripts/release-build.sh

# Rerecord link/pachca-profile.ld (needs valgrind) after larger changes; commit the result.
link-layout:
	SWIFT=$(SWIFT) ./scripts/link-layout.sh

# Serial on purpose: the network suites run FlyingFox servers inside the test process, and on
# a 2-core machine CPU-bound suites (fuzz, yaml-test-suite) in parallel starve their threads.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	./scripts/lint-ci.sh

demo: build
	./scripts/demo.sh

# §9: plan → apply → plan on profiles/team/ against an emulator serving a workspace.
demo-team: build
	./scripts/demo-team.sh

install: release
	install -d $(PREFIX)/bin
	install -m 0755 "$$(SWIFT=$(SWIFT) ./scripts/release-build.sh --show-bin-path)/pachca-profile" $(PREFIX)/bin/pachca-profile
	install -m 0755 "$$(SWIFT=$(SWIFT) ./scripts/release-build.sh --show-bin-path)/pachca-emulator" $(PREFIX)/bin/pachca-emulator

bench:
	./bench/run.sh

# Release packaging (SPEC §11). `make dist`: dist/pachca-profile-VERSION-OS-ARCH.tar.gz + .sha256.
# `make test-dist`: unpacks it and runs it with the Swift toolchain hidden. A release build takes
# minutes on 2 cores, so it is not part of `make test`; .ci/run runs it after `make test`.
.PHONY: dist test-dist lint-ci
dist:
	SWIFT=$(SWIFT) ./scripts/dist.sh

test-dist: dist
	SWIFT=$(SWIFT) ./scripts/test-dist.sh

# actionlint, hadolint, shellcheck and the JSON schemas on action.yml, the workflows, the
# Dockerfile and the GitLab template (part of `make test`; .ci/run installs the linters).
lint-ci:
	./scripts/lint-ci.sh

clean:
	rm -rf .build
