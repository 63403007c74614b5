// Imported by mixed.js: a .ts module under a .js handler (LAMBKIN_TSX=1 on Node).
export function greet(name: string): string {
  return `hello ${name} from .ts`;
}
