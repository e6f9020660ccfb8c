# The two commands (README): `make run` and `make test`. Both install what is missing first.
# Everything else is plain CMake; see README "Building by hand".

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
CMAKE_TYPE ?= RelWithDebInfo
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian 12 packages the build and the tests need.
APT_PACKAGES := g++ cmake make libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
                libgtest-dev zlib1g-dev libssl-dev pkg-config nginx-light chromium ca-certificates clang libclang-rt-14-dev

WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json \
                 web/package-lock.json -type f 2>/dev/null)

# Fuzzing (README "Fuzzing"): `make fuzz` runs every target for FUZZ_SECONDS; `make test`
# runs each for FUZZ_SMOKE_SECONDS.
FUZZ_TARGETS       := fuzz_http_request fuzz_json_routes fuzz_diff_sse fuzz_multipart fuzz_path_policy fuzz_login
FUZZ_SECONDS       ?= 300
FUZZ_SMOKE_SECONDS ?= 12
# ThreadSanitizer reports make a test exit non-zero. No suppressions so far (tests/tsan.supp
# would be the place, for reports entirely inside Boost only).
TSAN_OPTIONS       ?= second_deadlock_stack=1

.PHONY: run test build deps web clean tsan-test fuzz fuzz-build fuzz-smoke docs

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
	tests/consumer/run.sh $(BUILD)
	$(MAKE) --no-print-directory tsan-test
	$(MAKE) --no-print-directory fuzz-smoke

# The unit and protocol tests under ThreadSanitizer (API-only: they do not need the UI).
# -Wno-tsan: GCC 12 warns (an error with -Werror) that TSan does not model the
# std::atomic_thread_fence inside Boost.Asio; TSan still checks everything else.
tsan-test: deps
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-Wno-tsan -DGR_SANITIZE=thread \
	      -DGR_BUILD_EXAMPLES=OFF -DGR_BUILD_BENCH=OFF -DGR_WEB=OFF
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target gr_unit_tests gr_protocol_tests
	TSAN_OPTIONS="$(TSAN_OPTIONS)" ctest --test-dir $(TSAN_BUILD) --output-on-failure -L "unit|protocol"

# libFuzzer targets (tests/fuzz) with clang, ASan and UBSan; API-only.
# -Wno-unknown-warning-option: clang does not know GCC's -Wshadow=local (cmake/gr_warnings.cmake).
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS=-Wno-unknown-warning-option \
	      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGR_FUZZ=ON -DGR_WEB=OFF \
	      -DGR_BUILD_TESTS=OFF -DGR_BUILD_EXAMPLES=OFF -DGR_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)

# $(call run_fuzzers,SECONDS): each target for SECONDS, seeded from tests/fuzz/corpus/<target>
# copied into $(FUZZ_BUILD)/corpus/<target> (the scratch corpus grows; the committed one does
# not). Findings go to $(FUZZ_BUILD)/artifacts/<target>/, logs to $(FUZZ_BUILD)/<target>.log.
# Every target runs; the step fails at the end if any of them found something.
define run_fuzzers
	@failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  corpus=$(FUZZ_BUILD)/corpus/$$t; artifacts=$(FUZZ_BUILD)/artifacts/$$t; log=$(FUZZ_BUILD)/$$t.log; \
	  mkdir -p $$corpus $$artifacts && cp -f tests/fuzz/corpus/$$t/* $$corpus/ || exit 1; \
	  case $$t in fuzz_http_request) dict=http.dict ;; fuzz_multipart|fuzz_login) dict=multipart.dict ;; fuzz_path_policy) dict=path.dict ;; *) dict=json.dict ;; esac; \
	  echo "== $$t: $(1) s (log $$log)"; \
	  if ./$(FUZZ_BUILD)/tests/fuzz/$$t -max_total_time=$(1) -timeout=10 -print_final_stats=1 \
	       -dict=tests/fuzz/$$dict -artifact_prefix=$$artifacts/ $$corpus >$$log 2>&1; then \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' $$log; \
	  else \
	    tail -n 60 $$log; failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "Fuzzing found a problem in:$$failed. Inputs are in $(FUZZ_BUILD)/artifacts/<target>/;" \
	       "reproduce with $(FUZZ_BUILD)/tests/fuzz/<target> <file>."; \
	  exit 1; \
	fi
endef

fuzz: fuzz-build
	$(call run_fuzzers,$(FUZZ_SECONDS))

fuzz-smoke: fuzz-build
	$(call run_fuzzers,$(FUZZ_SMOKE_SECONDS))

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

# The API reference from the public headers' comments: $(BUILD)/docs/index.html.
docs:
	@command -v doxygen >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq doxygen; }
	mkdir -p $(BUILD)
	GR_DOCS_OUT=$(abspath $(BUILD))/docs doxygen docs/Doxyfile
	@echo "API reference: $(BUILD)/docs/index.html"

web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	cd web && npm run build

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) web/dist
