// The server's ISO-8859-1 decoder is the tokenizer package's (runtime-neutral) one.
export { latin1 } from "../tokenizer/latin1.js";
