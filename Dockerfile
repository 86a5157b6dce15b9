FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV HOST=0.0.0.0 PORT=8123 NODE_ENV=production
EXPOSE 8123
CMD ["node", "--import", "tsx", "src/server.ts"]
