#!/bin/sh
# The image (the README's "Container image"): build it, then run a plan on the current folder.
# The entry point is pachca-profile, the working folder /work; --user lets apply write the
# state records into your checkout as you (the image's own user is the non-root uid 10001).
set -eu
docker build -t pachca-profile:0.1.0 .
docker run --rm --user "$(id -u):$(id -g)" -e PACHCA_TOKEN -v "$PWD:/work" pachca-profile:0.1.0 plan profiles/me.yaml
