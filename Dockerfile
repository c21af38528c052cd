# Build a static binary, then run it as a non-root user in a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/chatmock ./cmd/chatmock

# distroless/static: no shell, CA certificates for `chatmock test` against
# https targets, and the nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chatmock /usr/local/bin/chatmock
USER nonroot:nonroot
EXPOSE 4010
# Bound to 0.0.0.0, the admin API needs a token: set CHATMOCK_ADMIN_TOKEN.
ENTRYPOINT ["/usr/local/bin/chatmock"]
CMD ["serve", "--addr", "0.0.0.0:4010"]
