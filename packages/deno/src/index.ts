export { denoPlatform } from "./platform.ts";
