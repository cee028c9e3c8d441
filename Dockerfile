# syntax=docker/dockerfile:1
# One image for both processes: `node dist/src/api.js` (default) and `node dist/src/worker.js`.

# --- build: install everything, compile TypeScript, then drop the dev dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build \
 && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only, as a non-root user ---
FROM node:20-bookworm-slim AS runtime
# Production: start-up needs API_TOKEN and a real provider (KOMOJU_API_URL and its secrets), or
# ENABLE_SANDBOXES=true for the built-in sandboxes; see .env.example.
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/var
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The code stays root-owned (read-only for the app); only DATA_DIR is writable.
RUN mkdir -p /app/var && chown node:node /app/var
USER node
EXPOSE 3000
CMD ["node", "dist/src/api.js"]
