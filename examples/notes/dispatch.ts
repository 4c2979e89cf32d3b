// The charm's entry point: `npm run build` compiles it into the single executable dist/<arch>/dispatch.

import { main } from "tscharm";

import { NotesCharm } from "./hooks/charm.js";

main(NotesCharm);
