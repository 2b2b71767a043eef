# `sam build` builds the function with this file (template.yaml: Metadata: BuildMethod: makefile): it
# runs `make build-ComposeRelayFunction` with ARTIFACTS_DIR set. The deployment package is the
# shaded jar alone, in lib/ where Lambda's Java runtime (and the runtime interface client under the
# emulator) puts it on the classpath: the jar that is measured (docs/PERFORMANCE.md) and tested
# (the E2E tests run this folder) is the jar that is deployed. Maven's own build makes it:
# `./mvnw package` shades and trims it (pom.xml, maven-shade-plugin).
# MVN_FLAGS: what else Maven gets; tests are skipped unless it is set (scripts/sam.sh sets it to
# nothing with SAM_BUILD_TESTS=1).
MVN_FLAGS ?= -DskipTests

build-ComposeRelayFunction:
	./mvnw -B -ntp -q $(MVN_FLAGS) clean package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp target/compose-relay-*.jar "$(ARTIFACTS_DIR)/lib/"

.PHONY: build-ComposeRelayFunction
