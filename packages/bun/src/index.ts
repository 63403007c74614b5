export { bunPlatform } from "./platform.ts";
