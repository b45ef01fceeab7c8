// Types for the two ssh2 files lwt imports directly (ssh2-parts.ts says why); @types/ssh2
// describes only the package's index.
declare module 'ssh2/lib/client.js' {
  import type { Client } from 'ssh2';
  const ClientClass: typeof Client;
  export default ClientClass;
}

declare module 'ssh2/lib/protocol/keyParser.js' {
  import type { utils } from 'ssh2';
  const keyParser: { readonly parseKey: typeof utils.parseKey };
  export default keyParser;
}
