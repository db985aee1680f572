// Preloaded (NODE_OPTIONS=--require) into a child that must work offline: every outgoing
// network connection is refused and written down in NO_NETWORK_LOG, in this process, its worker
// threads (tesseract.js's) and the processes it forks (which inherit NODE_OPTIONS). Local
// connections (loopback, Unix sockets, IPC) are let through. The test then asserts the log
// holds no connection attempt, and that the preload was loaded in the OCR's worker thread.
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const { isMainThread, threadId } = require("node:worker_threads");

const log = process.env.NO_NETWORK_LOG;
const note = (line) => {
  if (log) fs.appendFileSync(log, `${line}\n`);
};
note(`loaded pid=${process.pid} thread=${isMainThread ? "main" : threadId}`);

const local = (host) => host === undefined || host === "localhost" || host === "::1" || /^127\./.test(String(host));
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === "object" && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  if (options && options.path === undefined && !local(options.host)) {
    note(`refused connection to ${options.host}:${options.port}`);
    throw new Error(`network blocked (test): ${options.host}:${options.port}`);
  }
  return connect.apply(this, args);
};
if (typeof globalThis.fetch === "function") {
  const fetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = String(typeof input === "object" && input !== null && "url" in input ? input.url : input);
    if (/^https?:/i.test(url) && !/^https?:\/\/(localhost|127\.)/i.test(url)) {
      note(`refused fetch of ${url}`);
      return Promise.reject(new Error(`network blocked (test): ${url}`));
    }
    return fetch(input, init);
  };
}
