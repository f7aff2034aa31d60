import { runAction } from './kit/runtime.js';
import { main } from './smoke-test/main.js';

runAction(main);
