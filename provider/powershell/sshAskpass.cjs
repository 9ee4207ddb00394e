// The askpass program of the ssh transport's password login. ssh runs it (SSH_ASKPASS, with SSH_ASKPASS_REQUIRE=force)
// when the node asks for the password, through the small wrapper the provider writes beside the provider's one-shot
// socket; the socket's path is this program's one argument. It prints what the socket answers, for ssh to read.
//
// The provider answers the first prompt only. ssh asks again when the node refused the password, and when askpass
// fails ssh sends an empty password rather than stop (read_passphrase in OpenSSH's readpass.c returns "" then: read
// from its source, not documented): so on an empty answer this program ends the ssh that started it, and the
// provider reports the refusal.
"use strict";
const { Buffer } = require("node:buffer");
const fs = require("node:fs");
const net = require("node:net");

function endParentSsh() {
  try {
    if (fs.readFileSync(`/proc/${process.ppid}/comm`, "utf8").trim() === "ssh")
      process.kill(process.ppid, "SIGTERM");
  } catch {
    // No /proc (macOS) or already gone: ssh then sends its empty password, which the node refuses as well.
  }
  process.exitCode = 1;
}

const chunks = [];
const socket = net.connect(process.argv[2]);
socket.on("data", (chunk) => chunks.push(chunk));
socket.on("error", endParentSsh);
socket.on("end", () => {
  const answer = Buffer.concat(chunks);
  if (answer.length === 0) endParentSsh();
  else process.stdout.write(answer);
});
