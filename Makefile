# The two commands a clinic or a developer needs: `make run` and `make test`. Everything else is a helper.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
DB ?= var/kneeregen.db
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-pg soak bench format asan tsan clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)
	@# build/kneeregen, the stable path scripts use, is always the release binary.
	@if [ "$(PRESET)" = release ]; then ln -sf release/kneeregen build/kneeregen; fi

# First start creates the database, seeds the synthetic demo clinic and prints the admin password once.
run: build
	@mkdir -p var
	@build/kneeregen serve --db sqlite:$(DB) --listen 127.0.0.1:8080 --seed-demo

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 300

# The suite against a throwaway PostgreSQL 15 as well as SQLite (what CI runs).
test-pg: build
	@scripts/with-postgres.sh $(MAKE) --no-print-directory test

# The kill -9 durability harness at length (RELIABILITY.md D2: 500 kills), on SQLite and PostgreSQL.
soak: build
	@KNEEREGEN_CRASH_CYCLES=$${KNEEREGEN_CRASH_CYCLES:-500} scripts/with-postgres.sh \
	  ctest --test-dir $(BUILD_DIR) --output-on-failure -R CrashDurability --timeout 3600

asan:
	@$(MAKE) test PRESET=asan

tsan:
	@$(MAKE) test PRESET=tsan

bench: build
	@bench/run.sh
	@bench/api_load.sh

format:
	@find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	@rm -rf build
