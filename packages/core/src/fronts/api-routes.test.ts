import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error.ts";
import { type RouteConfig, resolveRoutes, routeCollisions } from "../route-config.ts";
import { findRoute, orderRoutes } from "./api-routes.ts";

const functions = new Map([
  ["a", {}],
  ["b", {}],
  ["items", {}],
]);
const routes = (list: RouteConfig[]) => orderRoutes(resolveRoutes(list, functions));
const match = (list: RouteConfig[], method: string, path: string) => {
  const found = findRoute(routes(list), method, path);
  return found ? [found.route.function, found.route.path, found.pathParameters] : undefined;
};

describe("route matching", () => {
  const table: RouteConfig[] = [
    { function: "a", method: "ANY", path: "/{proxy+}" },
    { function: "b", method: "GET", path: "/items/{id}" },
    { function: "a", method: "GET", path: "/items/special" },
    { function: "b", method: "ANY", path: "/items/{id}/parts/{part}" },
    { function: "a", method: "ANY", path: "$default" },
    { function: "b", method: "POST", path: "/" },
  ];

  it("prefers literal segments, then parameters, then greedy paths, then $default", () => {
    expect(match(table, "GET", "/items/special")).toEqual(["a", "/items/special", undefined]);
    expect(match(table, "GET", "/items/42")).toEqual(["b", "/items/{id}", { id: "42" }]);
    expect(match(table, "PUT", "/items/42")).toEqual(["a", "/{proxy+}", { proxy: "items/42" }]);
    expect(match(table, "GET", "/items/4/parts/x%20y")).toEqual([
      "b",
      "/items/{id}/parts/{part}",
      { id: "4", part: "x y" },
    ]);
    expect(match(table, "POST", "/")).toEqual(["b", "/", undefined]);
    // {proxy+} needs one segment at least, so GET / falls to $default.
    expect(match(table, "GET", "/")).toEqual(["a", "$default", undefined]);
  });

  it("ignores one trailing slash, and an exact method beats ANY at the same path", () => {
    const list: RouteConfig[] = [
      { function: "a", method: "ANY", path: "/x" },
      { function: "b", method: "GET", path: "/x" },
    ];
    expect(match(list, "GET", "/x/")).toEqual(["b", "/x", undefined]);
    expect(match(list, "DELETE", "/x")).toEqual(["a", "/x", undefined]);
    expect(match(list, "GET", "/y")).toBeUndefined();
  });
});

describe("route config", () => {
  it("refuses a duplicate route, even with other parameter names", () => {
    expect(() =>
      resolveRoutes(
        [
          { function: "a", method: "GET", path: "/items/{id}" },
          { function: "b", method: "get", path: "/items/{key}" },
        ],
        functions,
      ),
    ).toThrow(
      new ConfigError(
        "routes[1]: GET /items/{key} is already routes[0] (a); each method and path may have one route",
      ),
    );
  });

  it("names what is wrong in a route", () => {
    expect(() => resolveRoutes([{ function: "zz", path: "/x" }], functions)).toThrow(
      /routes\[0\]\.function must name a function/,
    );
    expect(() => resolveRoutes([{ function: "a", path: "/{p+}/x" }], functions)).toThrow(
      'routes[0].path: the greedy parameter {p+} must be the last segment, in "/{p+}/x"',
    );
    expect(() =>
      resolveRoutes([{ function: "a", path: "/x", api: "rest", payloadFormat: "2.0" }], functions),
    ).toThrow("routes[0]: a REST API sends payload format 1.0 only");
  });

  it("reports routes that take a Function URL path", () => {
    const list = resolveRoutes(
      [
        { function: "a", method: "GET", path: "/items/{id}" },
        { function: "b", method: "GET", path: "/other" },
        { function: "a", method: "ANY", path: "/{proxy+}" },
      ],
      functions,
    );
    expect(routeCollisions(list, functions.keys())).toEqual([
      "route GET /items/{id} (a) takes requests for /items/…; the route is served first",
      "route ANY /{proxy+} (a) takes requests for every function's Function URL path; the route is served first",
    ]);
  });
});
