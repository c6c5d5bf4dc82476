# syntax=docker/dockerfile:1
# A static reconcile binary in a distroless image, running as nonroot.
FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so source edits reuse the download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY reconcile ./reconcile
COPY schema ./schema
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/reconcile ./cmd/reconcile

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reconcile /reconcile
USER nonroot:nonroot
ENTRYPOINT ["/reconcile"]
