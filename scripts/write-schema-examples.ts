/** `npm run schema:examples`: puts the programs of examples/snippets/ into schema.json's descriptions. */
import { writeSchemaExamples } from "./schema-examples";

writeSchemaExamples();
