# spillcheck as a small container image: a static binary (CGO off) on
# distroless/static, run as the non-root user 65532. Build from the
# repository root:
#
#   docker build -t spillcheck .
#   docker run --rm spillcheck scan 10.0.4.0/24 --scope 10.0.4.0/24
#   docker run --rm -v "$PWD:/work" -w /work spillcheck scan -l hosts.txt --sarif out.sarif
#
# Pass --build-arg VERSION=v1.2.3 to stamp a release version; otherwise
# `spillcheck version` reports the commit when .git is in the context.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w ${VERSION:+-X main.version=$VERSION}" -o /out/spillcheck ./cmd/spillcheck

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/spillcheck /usr/local/bin/spillcheck
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/spillcheck"]
CMD ["--help"]
