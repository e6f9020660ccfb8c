# The two commands (README): `make run` and `make test`. Both install what is missing first.
# Everything else is plain CMake; see README "Building by hand".

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_TYPE ?= RelWithDebInfo
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian 12 packages the build and the tests need.
APT_PACKAGES := g++ cmake make libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
                libgtest-dev zlib1g-dev chromium ca-certificates

WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json \
                 web/package-lock.json -type f 2>/dev/null)

.PHONY: run test build deps web clean

run: build
	./$(BUILD)/examples/echo_bot

build: deps web
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_TYPE)
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGR_SANITIZE="address;undefined" \
	      -DGR_BUILD_EXAMPLES=OFF -DGR_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -L "unit|protocol"

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# The UI build (Vite 7) needs Node.js 20.19 or newer.
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
	  { echo "Node.js $$(node --version) is too old: the web UI needs 20.19 or newer (or build with cmake -DGR_WEB=OFF)."; exit 1; }
	@# npm packages from the committed lockfiles, reinstalled when a lockfile changes.
	@for d in web tests/js; do \
	  if [ ! -f $$d/node_modules/.package-lock.json ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    (cd $$d && npm ci --no-audit --no-fund) || exit 1; \
	  fi; \
	done

web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	cd web && npm run build

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) web/dist
