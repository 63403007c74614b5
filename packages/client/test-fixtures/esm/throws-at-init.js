// Fails while its module is evaluated: the runtime must report it to /runtime/init/error.
throw new RangeError("the module failed while loading");
