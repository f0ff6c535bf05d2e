/** Style sheets imported for their side effect: the bundler (esbuild) puts them into the page's CSS. */
declare module '*.css';
