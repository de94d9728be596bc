/**
 * Every manifest, in the order `vmp vectors` writes them. Each recipe module reads as a list of vectors with
 * their reasons; conformance/VECTORS.md describes the manifest format.
 */
import type { ManifestRecipe } from "../src/recipe.js";
import { envelopes } from "./envelopes.js";
import { events } from "./events.js";
import { malformed } from "./malformed.js";
import { msgpack } from "./msgpack.js";
import { schemaErrors } from "./schema-errors.js";
import { fromSpec } from "./spec.js";
import { wild } from "./wild.js";
import { zdata } from "./zdata.js";

export const MANIFESTS: readonly ManifestRecipe[] = [msgpack, envelopes, events, zdata, wild, malformed, schemaErrors, fromSpec];
