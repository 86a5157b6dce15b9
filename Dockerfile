FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# The embedded SQLite file lives in /data (a volume or an emptyDir), written by the unprivileged user.
RUN mkdir -p /data && chown 1000:1000 /data
ENV HOST=0.0.0.0 PORT=8123 NODE_ENV=production DATA_DIR=/data
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it. Nothing writes
# under /app at run time (tsx caches in /tmp), so the root filesystem may be read-only.
USER 1000:1000
EXPOSE 8123
# ROLE=api|worker|all (default all) picks what the process does; SIGTERM drains it.
CMD ["node", "--import", "tsx", "src/server.ts"]
