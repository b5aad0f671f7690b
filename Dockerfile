# syntax=docker/dockerfile:1
# Tollgate's container images: one Dockerfile, one target per service, built from source.
#
#   docker build --target gateway            -t tollgate/gateway:0.1.0 .
#   docker build --target control-plane      -t tollgate/control-plane:0.1.0 .
#   docker build --target analytics-consumer -t tollgate/analytics-consumer:0.1.0 .
#   docker build --target simulator          -t tollgate/simulator:0.1.0 .
#   docker build --target admin              -t tollgate/admin:0.1.0 .
#
# The targets are the last segments of the charts' image repositories, the jars sit where the
# charts' `command` values expect them, and the user is numeric and not root, so the kubelet can
# enforce runAsNonRoot (charts/src/test/.../ContainerImagesTest checks all three).

# The portal's static files, built with Node 20 (the Maven image's distribution has an older Node).
FROM node:20-bookworm-slim AS portal
WORKDIR /src
COPY config/openapi config/openapi
COPY portal/package.json portal/package-lock.json portal/
RUN --mount=type=cache,target=/root/.npm cd portal && npm ci --no-audit --no-fund
COPY portal portal
RUN cd portal && npm run build

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
COPY --from=portal /src/portal/dist portal/dist
# The Maven cache mount keeps dependencies between builds; tests run in CI, not here. The portal is
# built above: Maven packages its dist/ without running npm (portal.npm.skip).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests -Dportal.npm.skip=true -pl gateway,control-plane,analytics-consumer,gpu-adapter -am package

FROM eclipse-temurin:17-jre AS runtime
# A fixed numeric user without a login shell; the charts run with readOnlyRootFilesystem and give
# /tmp as an emptyDir, so nothing here needs to be writable.
RUN groupadd --system --gid 10001 tollgate \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --shell /usr/sbin/nologin tollgate
WORKDIR /app
# Heap as a share of the container's memory limit; exit on OOM so the kubelet restarts the pod.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001

FROM runtime AS gateway
COPY --from=build /src/gateway/target/tollgate-gateway.jar /app/tollgate-gateway.jar
# Data plane, admin (config, /metrics).
EXPOSE 8080 8081
CMD ["java", "-jar", "/app/tollgate-gateway.jar"]

FROM runtime AS control-plane
COPY --from=build /src/control-plane/target/tollgate-control-plane.jar /app/tollgate-control-plane.jar
EXPOSE 8090
CMD ["java", "-jar", "/app/tollgate-control-plane.jar"]

FROM runtime AS analytics-consumer
COPY --from=build /src/analytics-consumer/target/tollgate-analytics.jar /app/tollgate-analytics.jar
EXPOSE 8091
CMD ["java", "-jar", "/app/tollgate-analytics.jar"]

FROM runtime AS simulator
COPY --from=build /src/gpu-adapter/target/tollgate-simulator.jar /app/tollgate-simulator.jar
EXPOSE 8000
CMD ["java", "-jar", "/app/tollgate-simulator.jar"]

FROM runtime AS admin
COPY --from=build /src/control-plane/target/tollgate-admin.jar /app/tollgate-admin.jar
ENTRYPOINT ["java", "-jar", "/app/tollgate-admin.jar"]
