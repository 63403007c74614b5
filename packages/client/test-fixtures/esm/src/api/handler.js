// Reached as _HANDLER=src/api/handler.main.
export const main = async (event) => ({ nested: true, event });
