"use strict";
// A schema snapshot must hold no password, yet replacing each password's text everywhere in the
// dump also rewrote identifiers: RabbitMQ's default password "guest" turned Nova's column
// guest_format into x_format, and every later boot failed on the unknown column. Passwords sit in
// the dump only as the user:password part of connection URLs (nova_api.cell_mappings), which the
// restore rewrites anyway, so only that part is blanked.
const CONNECTION_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@'"\s]+:)[^@'"\s]*@/gi;

/** The dump with the password of every `scheme://user:password@` URL replaced by `x`. */
function redactConnectionSecrets(dump) {
  return dump.replace(CONNECTION_PASSWORD, "$1x@");
}

module.exports = { redactConnectionSecrets };
