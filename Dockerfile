# Boothlead: one static binary with migrations, views and assets embedded.
#   docker build -t boothlead .     (make docker)
#   docker run -e DATABASE_URL=postgres://… -e BASE_URL=https://… -p 8080:8080 boothlead

FROM golang:1.26-bookworm AS build
WORKDIR /src
# modules in a layer of their own: rebuilt only when go.mod or go.sum change
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/boothlead ./cmd/boothlead

# no shell, no package manager; runs as uid 65532
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/boothlead /boothlead
USER nonroot:nonroot
EXPOSE 8080
ENV ADDR=:8080
# No HEALTHCHECK: distroless has no curl or wget to call GET /healthz with. The orchestrator probes
# it instead (Kubernetes liveness /healthz, readiness /readyz; a load balancer's health check).
ENTRYPOINT ["/boothlead"]
CMD ["serve"]
