/**
 * Paraphrased questions over code this project did not write: CPython's `email` and `http`
 * packages (from the machine's Python 3). Written from general knowledge of the packages BEFORE
 * any search result was seen, and worded to avoid the code's own identifiers where possible, so
 * they test what dense vectors add to BM25. Gold files are relative to the Python lib folder.
 */
export const STDLIB_EMAIL_HTTP: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['turn a message object back into the text that goes over the wire', ['email/generator.py']],
  ['read a message incrementally as bytes arrive from the network', ['email/feedparser.py']],
  ['put non-ASCII characters into a header line', ['email/header.py', 'email/_encoded_words.py']],
  ['encode a body so that mostly-ASCII text stays readable', ['email/quoprimime.py', 'email/encoders.py']],
  ['which character sets travel as base64 and which as quoted-printable', ['email/charset.py']],
  ['attach a picture to a message', ['email/mime/image.py']],
  ['format a timestamp the way mail headers require', ['email/utils.py']],
  ['split a list of recipients into display names and addresses', ['email/utils.py', 'email/_parseaddr.py']],
  ['visit every part of a nested multipart message', ['email/iterators.py', 'email/message.py']],
  ['rules that decide maximum line length and line endings when serializing', ['email/policy.py', 'email/_policybase.py']],
  ['exceptions and defects reported for malformed messages', ['email/errors.py']],
  ['typed objects for specific header fields such as dates and addresses', ['email/headerregistry.py']],
  ['get the decoded text out of a part', ['email/contentmanager.py', 'email/message.py']],
  ['send a request to a web server and read the reply', ['http/client.py']],
  ['a simple web server that serves files from the current directory', ['http/server.py']],
  ['remember cookies received from websites and send them back later', ['http/cookiejar.py']],
  ['turn a browser state header string into keys, values and attributes', ['http/cookies.py']],
  ['the list of standard response codes with their reason phrases', ['http/__init__.py']],
  ['run an external script to produce the response of a request', ['http/server.py']],
  ['decide whether a cookie may be returned to a given domain', ['http/cookiejar.py']],
  ['grammar-based parser for structured header values', ['email/_header_value_parser.py']],
  ['a container part that holds several sub-parts', ['email/mime/multipart.py']],
  ['wrap an arbitrary binary payload as an attachment', ['email/mime/application.py']],
  ['limit on how many header lines are read before giving up', ['http/client.py']],
  ['convert a parsed date tuple with a zone offset into seconds since the epoch', ['email/_parseaddr.py', 'email/utils.py']],
  ['a message that is carried inside another message', ['email/mime/message.py']],
  ['read a response body sent in pieces of announced size', ['http/client.py']],
  ['write a line to stderr for each request the server handles', ['http/server.py']],
  ['behaviour compatible with the old Python 3.2 package', ['email/_policybase.py']],
  ['build a message tree from a string or a file', ['email/parser.py']],
];
