// What the tests use that Node.js 20 lacks (the package itself does not need
// it: the pack-install test runs the package on Node 20 without this file).
// Promise.withResolvers came in Node.js 22.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((fulfil, fail) => {
      resolve = fulfil;
      reject = fail;
    });
    return { promise, resolve, reject };
  };
}
