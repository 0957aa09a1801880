import pkg from "../package.json" with { type: "json" };

export const OPSDECK_VERSION: string = pkg.version;
